"""Renders the frontend's nginx template the way the nginx image's entrypoint does."""

import os
import re
from pathlib import Path

TEMPLATE = (
    Path(__file__).resolve().parents[2]
    / "app"
    / "frontend"
    / "nginx"
    / "default.conf.template"
)
MIME_TYPES = Path("/etc/nginx/mime.types")


def render_template(variables: dict[str, str]) -> str:
    """Substitute ``${NAME}`` for the given names only; nginx's own ``$vars`` stay."""
    text = TEMPLATE.read_text()
    return re.sub(
        r"\$\{([A-Z_][A-Z0-9_]*)\}",
        lambda match: variables.get(match.group(1), match.group(0)),
        text,
    )


def standalone_config(server_block: str, prefix: Path, port: int) -> str:
    """A whole nginx.conf around the server block, writing only under ``prefix``."""
    block = server_block.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    block = block.replace("root /usr/share/nginx/html;", f"root {prefix / 'html'};")
    types = f"include {MIME_TYPES};" if MIME_TYPES.exists() else ""
    temp = {
        name: prefix / name
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    }
    for path in temp.values():
        path.mkdir(parents=True, exist_ok=True)
    # Running in the foreground as one process keeps the current user, root or not.
    return f"""
daemon off;
master_process off;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} info;
events {{ worker_connections 64; }}
http {{
    {types}
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {temp["client_body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
{block}
}}
"""


def environment_defaults() -> dict[str, str]:
    """The template's variables as the Dockerfile sets them, or from the env."""
    return {
        "BACKEND_UPSTREAM": os.environ.get("BACKEND_UPSTREAM", "backend:8000"),
        "NGINX_RESOLVER": os.environ.get("NGINX_RESOLVER", "127.0.0.11"),
    }
