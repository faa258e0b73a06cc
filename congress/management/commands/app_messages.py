"""Extract one domain's messages into locale/<domain>/<lang>/LC_MESSAGES/django.po.

Each app owns its catalogue, so that apps can be worked on in parallel:

    python manage.py app_messages motions        # motions/ + templates/motions/
    python manage.py app_messages suggestions    # motions/suggestions/ + templates/suggestions/

Needs system gettext (xgettext, msgmerge) like Django's makemessages; running the portal does not.
"""

import os
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Update the .po catalogue of one app (its Python code and templates/<label>/)."

    def add_arguments(self, parser):
        parser.add_argument("domain", help="app label, e.g. congress, motions, suggestions")
        parser.add_argument("--locale", "-l", action="append", default=None)

    def handle(self, domain, locale=None, **options):
        if domain not in settings.I18N_DOMAINS:
            raise CommandError(f"unknown domain {domain!r}; one of {settings.I18N_DOMAINS}")
        config = apps.get_app_config(domain)
        app_dir = Path(config.path)
        target = settings.BASE_DIR / "locale" / domain
        target.mkdir(parents=True, exist_ok=True)
        sources = [(domain, app_dir)]
        templates = settings.BASE_DIR / "templates" / domain
        if templates.is_dir():
            sources.append(("templates_" + domain, templates))
        if domain == "congress":  # the shared templates (base, forms, e-mails, registration)
            base = settings.BASE_DIR / "templates"
            sources += [("templates_shared", p) for p in base.iterdir() if p.is_file()]
            sources += [
                ("templates_" + p.name, p) for p in (base / "emails", base / "registration")
            ]
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            (tmp_path / "locale").symlink_to(target, target_is_directory=True)
            for i, (name, path) in enumerate(sources):
                link = tmp_path / (f"{name}_{i}" + (path.suffix if path.is_file() else ""))
                link.symlink_to(path, target_is_directory=path.is_dir())
            cwd = os.getcwd()
            os.chdir(tmp)
            try:
                call_command(
                    "makemessages",
                    locale=locale or ["zh_Hans"],
                    symlinks=True,
                    ignore_patterns=["migrations/*", "*/migrations/*", "tests/*", "locale/*"]
                    + (
                        [
                            f"{p.name}/*"
                            for p in app_dir.iterdir()
                            if p.is_dir() and (p / "apps.py").exists()
                        ]
                    ),
                    no_obsolete=True,
                    add_location="file",
                    verbosity=0,
                )
            finally:
                os.chdir(cwd)
        self.stdout.write(f"updated {target}")
