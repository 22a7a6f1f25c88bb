"""``kzar-ld draft``: draft article directories from raw texts, or re-draft ones an editor reviewed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kzar_ld.cli import app, error

_EPILOG = """
Examples:

  kzar-ld draft story.txt -o articles/          # writes articles/story/ (text + annotation.yaml)

  kzar-ld draft feed/*.txt -o articles/

  kzar-ld draft --update articles/story         # re-draft, keeping what the editor confirmed

  kzar-ld draft story.txt -o articles/ --force  # start over, discarding the editor's work

Review the draft (doubtful items first, listed at the top of annotation.yaml), set
`confirmed: true` on what is right, then `kzar-ld build articles/story`. See docs/drafting.md.

Exit codes: 0 ok, 2 bad input (an unreadable or empty text, an annotation.yaml that exists).
"""


@app.command(epilog=_EPILOG)
def draft(
    texts: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Article texts as published (UTF-8; a ' date YYYY-MM-DD Headline' first line is optional).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Directory that receives one article directory per text."),
    ] = Path("."),
    update: Annotated[
        list[Path] | None,
        typer.Option(
            "--update",
            help="An article directory to re-draft: confirmed items are kept verbatim, drafted ones "
            "replaced. Repeat it for several.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Overwrite an existing annotation.yaml with a fresh draft."),
    ] = False,
) -> None:
    """Draft annotation.yaml for each article text, for an editor to review and confirm.

    Each TEXT becomes OUTPUT/<name>/ with the text, unchanged, and a drafted annotation.yaml
    that `kzar-ld build` accepts as it is. A summary line per article goes to stderr.
    """
    from kzar_ld.drafting import article_name, draft_file, update_directory
    from kzar_ld.errors import KzarError

    jobs: list[tuple[str, Path]] = [("text", p) for p in texts or ()] + [("update", p) for p in update or ()]
    if not jobs:
        error("nothing to draft: give article texts, or --update DIR")
        raise typer.Exit(code=2)
    if not output.is_dir():
        error(f"{output}: output directory not found")
        raise typer.Exit(code=2)
    failed = 0
    targets: dict[str, Path] = {}
    for n, (kind, path) in enumerate(jobs, start=1):
        if kind == "text":
            name = article_name(path.stem)
            if name in targets:
                failed += 1
                error(f"{path}: makes the same article directory {name!r} as {targets[name]}; rename one")
                continue
            targets[name] = path
        try:
            result = draft_file(path, out_dir=output, force=force) if kind == "text" else update_directory(path)
        except KzarError as exc:
            failed += 1
            error(str(exc))
            continue
        except KeyboardInterrupt as exc:
            error("interrupted")
            raise typer.Exit(code=130) from exc
        doubtful = f", {result.doubtful} doubtful" if result.doubtful else ""
        typer.echo(
            f"[{n}/{len(jobs)}] {result.source}: {result.action} {result.directory / 'annotation.yaml'} "
            f"({result.to_review} item(s) to review{doubtful})",
            err=True,
        )
    if failed:
        raise typer.Exit(code=2)
