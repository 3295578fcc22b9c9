"""A throwaway Dovecot IMAP server for the tests, in a temporary directory, on a loopback port,
as a user that is not root (the tests' own user, or `nobody` when the tests run as root), with
one mailbox login from a passwd-file. Debian's dovecot-imapd (`make test` installs it)."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    user = {user}
  }}
  unix_listener stats-writer {{
    user = {user}
  }}
}}
"""


class Unavailable(RuntimeError):
    """Dovecot cannot start here; the message says why."""


@dataclass
class Dovecot:
    port: int
    username: str
    password: str
    root: Path
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(username: str = "contact", password: str = "throwaway-password") -> Dovecot:
    if not os.path.exists(DOVECOT):
        raise Unavailable("dovecot is not installed (Debian: apt-get install dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="fc-dovecot-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        # Never as root: as nobody, owning the temporary directory.
        user, group = "nobody", grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            raise Unavailable("running as root and setpriv is missing to drop to nobody")
        prefix = [setpriv, "--reuid=nobody", f"--regid={group}", "--clear-groups"]
    else:
        user = pwd.getpwuid(os.geteuid()).pw_name
        group = grp.getgrgid(os.getegid()).gr_name
    port = _free_port()
    (root / "dovecot.conf").write_text(CONFIG.format(root=root, user=user, group=group, port=port))
    (root / "passwd").write_text(f"{username}:{{PLAIN}}{password}\n")
    os.chmod(root, 0o755)
    if prefix:
        uid, gid = pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid
        for path in [root, *root.rglob("*")]:
            os.chown(path, uid, gid)
    process = subprocess.Popen(
        [*prefix, DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            err = process.stderr.read().decode() if process.stderr else ""
            shutil.rmtree(root, ignore_errors=True)
            raise Unavailable(f"dovecot exited: {err.strip() or log.strip()}"[:500])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return Dovecot(port, username, password, root, process)
        except OSError:
            time.sleep(0.1)
    process.kill()
    shutil.rmtree(root, ignore_errors=True)
    raise Unavailable("dovecot did not start listening within 15 seconds")
