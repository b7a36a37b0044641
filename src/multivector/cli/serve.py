"""`multivector serve`: the web app (pages and the JSON API) on a local address. A thin adapter over multivector.web."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from .output import err_console, fail

#: A host name or an address (IPv6 without brackets) for --allowed-host.
_HOST_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,252})|[0-9A-Fa-f:.]{2,45}")


def serve(host: Annotated[str, typer.Option("--host", help="Address to listen on. Any but 127.0.0.1/localhost/::1 "
                                                           "requires a token.")] = "127.0.0.1",
          port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port (0: any free one).")] = 8000,
          case: Annotated[Path | None, typer.Option("--case", help="Case folder (default: the embedded case).")] = None,
          token: Annotated[str | None, typer.Option(
              "--token", help="Token every request must carry (default: none on the loopback address, a random one "
                              "printed at start on any other).")] = None,
          workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Worker processes for scenario runs.")] = 2,
          max_upload_mb: Annotated[float, typer.Option("--max-upload-mb", min=0.01, max=64,
                                                       help="Largest negotiation file accepted.")] = 1.0,
          sweeps: Annotated[Path | None, typer.Option(
              "--sweeps", help="A sweep folder analysed with `multivector sweep analyze`, or a folder of several: "
                               "shown in the scenario lab.")] = None,
          allowed_host: Annotated[list[str] | None, typer.Option(
              "--allowed-host", help="A Host name the server answers besides 127.0.0.1, localhost and ::1 (and "
                                     "--host's address); repeat for more. Any other Host gets 400.")] = None) -> None:
    """Serve the web app: overview, evidence, measures, scenario lab, negotiation, model check; API at /api/v1."""
    import socket

    from ..web.security import needs_token, new_token

    if case is not None and not case.is_dir():
        fail(f"--case {case} is not a folder; give a case folder such as src/multivector/cases/central_asia")
    if sweeps is not None and not sweeps.is_dir():
        fail(f"--sweeps {sweeps} is not a folder; give a sweep's output folder (analysed with "
             "`multivector sweep analyze DIR`) or a folder holding several")
    if needs_token(host) and not token:
        token = new_token()
    if token is not None and len(token) < 8:
        fail("--token is shorter than 8 characters; give a longer one (or none on 127.0.0.1)")
    try:   # a taken port fails here in one line, not inside the server
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
            port = s.getsockname()[1]
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port or --host")
    import uvicorn

    from ..web import create_app

    hosts = [h.strip() for h in (allowed_host or []) if h.strip()]
    bad = [h for h in hosts if not _HOST_NAME.fullmatch(h)]
    if bad:
        fail(f"--allowed-host {bad[0][:60]!r} is not a host name; give a name such as myhost.lan or an address "
             "such as 192.168.1.5, without scheme or port")
    if host not in ("0.0.0.0", "::", ""):   # the address it listens on is a name it answers to
        hosts.append(host)
    app = create_app(case, token=token, workers=workers, max_upload=int(max_upload_mb * 2**20), sweeps=sweeps,
                     allowed_hosts=tuple(hosts))
    for problem in app.state.sweeps.problems:
        err_console.print(f"warning: {problem}", highlight=False, soft_wrap=True)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    err_console.print(f"multivector serve: open {url}  (API: /api/v1, docs: /docs; Ctrl+C stops)",
                      highlight=False, soft_wrap=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer, kb_app: typer.Typer | None = None) -> None:
    """Mount `multivector serve` on the main app."""
    app.command("serve")(serve)
