"""Who may see the dashboard, and whose name goes in the review log.

Three ways to run it (docs/DEPLOY.md, ADR 0016):

* **Local** (default): bound to 127.0.0.1, no login; reviewers type their name.
* **Built-in login**: a secrets file with Streamlit's ``[auth]`` section (an OpenID Connect
  provider: Microsoft Entra ID, Google, Okta, Keycloak…) makes every page ask the visitor to sign
  in with ``st.login``. ``[throughline] allow`` narrows who gets in: ``"@council.gov.uk"`` admits a
  domain, a full address one person. Reviews are recorded under the signed-in name and address,
  which the visitor cannot change.
* **Behind a sign-in proxy** (oauth2-proxy, a corporate gateway): ``THROUGHLINE_USER_HEADER``
  names the header the proxy sets (e.g. ``X-Forwarded-Email``); a request without it is refused
  and the header's value is the reviewer. Only safe when the dashboard is reachable through the
  proxy alone (bind 127.0.0.1).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import streamlit as st

USER_HEADER = "THROUGHLINE_USER_HEADER"


def _secrets() -> dict[str, Any]:
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:  # no secrets file anywhere: the local default
        return {}


AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


def check_auth_file(path: Path) -> list[str]:
    """Problems with a login secrets file (missing, not TOML, ``[auth]`` keys absent); empty when usable."""
    if not path.is_file():
        return [f"{path}: no such file"]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return [f"{path}: not valid TOML ({exc})"]
    auth = data.get("auth")
    if not isinstance(auth, dict):
        return [f"{path}: no [auth] section (see docs/DEPLOY.md)"]
    missing = [
        k for k in AUTH_KEYS if not auth.get(k) and not any(isinstance(v, dict) and v.get(k) for v in auth.values())
    ]
    problems = [f"{path}: [auth] lacks {', '.join(missing)}"] if missing else []
    allow = data.get("throughline", {}).get("allow", [])
    if not isinstance(allow, list) or not all(isinstance(a, str) for a in allow):
        problems.append(f"{path}: [throughline] allow must be a list of addresses or @domains")
    return problems


def login_configured() -> bool:
    """Whether a secrets file configures Streamlit's OpenID Connect login (an ``[auth]`` section)."""
    return bool(_secrets().get("auth"))


def allowed(email: str | None, allow: list[str]) -> bool:
    """Whether ``email`` is admitted by ``allow`` (``@domain`` or full addresses; empty admits everyone)."""
    if not allow:
        return True
    if not email:
        return False
    email = email.strip().lower()
    for entry in (a.strip().lower() for a in allow):
        if (entry.startswith("@") and email.endswith(entry)) or email == entry:
            return True
    return False


def signed_in_user() -> str | None:
    """The signed-in person as "Name <address>" (login or proxy), or None when running locally."""
    header = os.environ.get(USER_HEADER, "").strip()
    if header:
        value = st.context.headers.get(header)
        return value.strip() if value else None
    if login_configured() and st.user.is_logged_in:
        name, email = st.user.get("name"), st.user.get("email")
        return f"{name} <{email}>" if name and email else str(name or email or "signed-in user")
    return None


def gate() -> None:
    """Stop the page unless the visitor may see it; show who is signed in, with a sign-out button."""
    header = os.environ.get(USER_HEADER, "").strip()
    if header:
        if not st.context.headers.get(header):
            st.error(
                f"This dashboard is served behind a sign-in proxy, but the request carried no {header} "
                "header. Open it through the proxy's address."
            )
            st.stop()
        st.sidebar.caption(f"Signed in as {signed_in_user()}")
        return
    if not login_configured():
        return
    if not st.user.is_logged_in:
        st.title("Throughline")
        st.write("Sign in to see this consultation's analysis.")
        st.button("Sign in", on_click=st.login, type="primary", icon=":material/login:")
        st.stop()
    allow = list(_secrets().get("throughline", {}).get("allow", []))
    email = st.user.get("email")
    if not allowed(email if isinstance(email, str) else None, allow):
        st.error(f"{email or 'This account'} is not on this dashboard's list of users.")
        st.button("Sign out", on_click=st.logout)
        st.stop()
    st.sidebar.caption(f"Signed in as {signed_in_user()}")
    st.sidebar.button("Sign out", on_click=st.logout, icon=":material/logout:")
