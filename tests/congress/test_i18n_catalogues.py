"""The per-app catalogues agree with each other and with the code.

Django merges every catalogue of LOCALE_PATHS into one, so a msgid (with its context) that two
apps translate differently shows ONE of the two wordings on both apps' pages. A word whose meaning
differs between apps needs a context (pgettext / `{% translate "…" context "…" %}`).

The code's messages are collected here in pure Python (ast for .py files, Django's templatize for
templates, over the same files as `manage.py app_messages <label>`), so the check runs without
system gettext: every message the code uses must have a non-empty, non-fuzzy Chinese translation in
its app's catalogue, and a catalogue carries no entry the code no longer uses.
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.utils.translation.template import templatize

LANGUAGE = "zh_Hans"

# xgettext keywords of Django's makemessages: name -> (context argument, msgid argument) positions
KEYWORDS = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}
CALL = re.compile(r"(?<![\w.])(" + "|".join(sorted(KEYWORDS, key=len, reverse=True)) + r")\(")


def catalogue_path(domain):
    return Path(settings.BASE_DIR, "locale", domain, LANGUAGE, "LC_MESSAGES", "django.po")


def load_catalogues():
    return {
        domain: polib.pofile(str(catalogue_path(domain)))
        for domain in settings.I18N_DOMAINS
        if catalogue_path(domain).exists()
    }


def entry_key(entry):
    return (entry.msgctxt, entry.msgid)


def entry_translation(entry):
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    return entry.msgstr


def collisions(catalogues):
    """{(msgctxt, msgid): {translation: [domain, …]}} for keys translated differently."""
    seen = defaultdict(lambda: defaultdict(list))
    for domain, po in catalogues.items():
        for entry in po:
            if not entry.obsolete and entry.translated():
                seen[entry_key(entry)][entry_translation(entry)].append(domain)
    return {key: dict(wordings) for key, wordings in seen.items() if len(wordings) > 1}


def _call_key(call):
    """(msgctxt, msgid) of an ast.Call to a gettext function with literal arguments, else None."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if name not in KEYWORDS:
        return None
    ctx_pos, msgid_pos = KEYWORDS[name]
    args = call.args
    wanted = [p for p in (ctx_pos, msgid_pos) if p is not None]
    if len(args) <= max(wanted) or not all(
        isinstance(args[p], ast.Constant) and isinstance(args[p].value, str) for p in wanted
    ):
        return None
    return (args[ctx_pos].value if ctx_pos is not None else None, args[msgid_pos].value)


def python_messages(text):
    return {
        key
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Call) and (key := _call_key(node)) is not None
    }


def template_messages(text):
    """Messages of a template, from the gettext calls Django's templatize writes for xgettext."""
    code = templatize(text)
    found = set()
    for match in CALL.finditer(code):
        # the call ends at one of the following ")"; the first prefix that parses is the call
        end = match.end()
        while (end := code.find(")", end) + 1) > 0:
            try:
                node = ast.parse(code[match.start() : end], mode="eval").body
            except SyntaxError:
                continue
            if isinstance(node, ast.Call) and (key := _call_key(node)) is not None:
                found.add(key)
            break
    return found


def source_files(domain):
    """The files `manage.py app_messages <domain>` extracts from (congress/management/commands)."""
    app_dir = Path(apps.get_app_config(domain).path)
    nested_apps = {p for p in app_dir.iterdir() if p.is_dir() and (p / "apps.py").exists()}
    skipped = {"migrations", "tests", "locale"}
    files = [
        p
        for p in app_dir.rglob("*")
        if p.suffix in {".py", ".html", ".txt"}
        and not any(parent in nested_apps for parent in p.parents)
        and not skipped & set(p.relative_to(app_dir).parts[:-1])
    ]
    templates = Path(settings.BASE_DIR, "templates")
    if (templates / domain).is_dir():
        files += (templates / domain).rglob("*")
    if domain == "congress":  # the shared templates: base, forms, e-mails, registration
        files += [p for p in templates.iterdir() if p.is_file()]
        files += (templates / "emails").rglob("*")
        files += (templates / "registration").rglob("*")
    return sorted(p for p in files if p.is_file() and p.suffix in {".py", ".html", ".txt"})


def code_messages(domain):
    used = {}
    for path in source_files(domain):
        text = path.read_text(encoding="utf-8")
        keys = python_messages(text) if path.suffix == ".py" else template_messages(text)
        for key in keys:
            used.setdefault(key, path.relative_to(settings.BASE_DIR))
    return used


# --- the checker itself ------------------------------------------------------------------------


def _po(*entries):
    po = polib.POFile()
    for kwargs in entries:
        po.append(polib.POEntry(**kwargs))
    return po


def test_collision_check_finds_two_wordings_of_one_message_and_respects_contexts():
    catalogues = {
        "a": _po(
            {"msgid": "title", "msgstr": "标题"},
            {"msgid": "open", "msgstr": "进行中"},
            {
                "msgid": "%(n)s item",
                "msgid_plural": "%(n)s items",
                "msgstr_plural": {0: "%(n)s 项"},
            },
        ),
        "b": _po(
            {"msgid": "title", "msgstr": "职称"},
            {"msgctxt": "vote", "msgid": "open", "msgstr": "投票中"},
            {
                "msgid": "%(n)s item",
                "msgid_plural": "%(n)s items",
                "msgstr_plural": {0: "%(n)s 件"},
            },
        ),
        "c": _po({"msgid": "title", "msgstr": "标题"}),
    }
    found = collisions(catalogues)
    assert found[(None, "title")] == {"标题": ["a", "c"], "职称": ["b"]}
    assert (None, "%(n)s item") in found
    assert (None, "open") not in found and ("vote", "open") not in found
    assert len(found) == 2


def test_code_messages_are_read_from_python_and_templates():
    python = (
        "from django.utils.translation import gettext_lazy as _, pgettext_lazy, ngettext\n"
        "a = _('plain')\n"
        "b = pgettext_lazy('vote', 'open')\n"
        "c = ngettext('%(n)s item', '%(n)s items', 3)\n"
        "d = _(name)\n"
        "e = obj.gettext('attribute')\n"
    )
    assert python_messages(python) == {
        (None, "plain"),
        ("vote", "open"),
        (None, "%(n)s item"),
        (None, "attribute"),
    }
    template = (
        '{% load i18n %}<h1>{% translate "Ballots" context "count" %}</h1>'
        "{% translate 'It (really) is' %}"
        "{% blocktranslate with y=year %}Results {{ y }}, 50%{% endblocktranslate %}"
        '{{ value|default:_("none") }}'
    )
    assert template_messages(template) == {
        ("count", "Ballots"),
        (None, "It (really) is"),
        (None, "Results %(y)s, 50%%"),
        (None, "none"),
    }


# --- the project's catalogues ------------------------------------------------------------------


def test_every_domain_has_a_chinese_catalogue():
    assert set(load_catalogues()) == set(settings.I18N_DOMAINS)


def test_no_message_is_translated_differently_in_two_catalogues():
    found = collisions(load_catalogues())
    report = [
        f"{'[' + ctx + '] ' if ctx else ''}{msgid!r}: "
        + "; ".join(f"{wording} ({', '.join(domains)})" for wording, domains in wordings.items())
        for (ctx, msgid), wordings in sorted(found.items(), key=str)
    ]
    assert not report, (
        f"{len(report)} message(s) translated differently by two apps (one shared wording, or "
        "a context where the meanings differ):\n" + "\n".join(report)
    )


@pytest.mark.parametrize("domain", settings.I18N_DOMAINS)
def test_every_message_the_code_uses_has_a_chinese_translation(domain):
    po = polib.pofile(str(catalogue_path(domain)))
    entries = {entry_key(e): e for e in po if not e.obsolete}
    used = code_messages(domain)
    assert used, f"no messages found in the code of {domain}"
    missing, empty, fuzzy = [], [], []
    for key, path in sorted(used.items(), key=str):
        entry = entries.get(key)
        label = f"{'[' + key[0] + '] ' if key[0] else ''}{key[1]!r} ({path})"
        if entry is None:
            missing.append(label)
        elif "fuzzy" in entry.flags:
            fuzzy.append(label)
        elif not entry.translated():
            empty.append(label)
    assert not (missing or empty or fuzzy), (
        f"locale/{domain}: run `manage.py app_messages {domain}` and translate; "
        f"missing {missing[:15]}, empty {empty[:15]}, fuzzy {fuzzy[:15]}"
    )


@pytest.mark.parametrize("domain", settings.I18N_DOMAINS)
def test_catalogue_has_no_entry_the_code_no_longer_uses(domain):
    po = polib.pofile(str(catalogue_path(domain)))
    used = code_messages(domain)
    stale = [entry_key(e) for e in po if not e.obsolete and entry_key(e) not in used]
    assert not stale, f"locale/{domain}: entries no code uses (re-run app_messages): {stale[:15]}"
