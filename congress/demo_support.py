"""What `seed_demo` hands to every app's `demo.seed(ctx)`.

Contract for `<app>/demo.py`:
- `def seed(ctx: DemoContext) -> None`, called in INSTALLED_APPS order inside one transaction;
- deterministic: use `ctx.rng(<name>)` (a private, fixed-seed random generator per name) and
  `ctx.person(...)`, never `random` or the wall clock directly (use `ctx.now` / `ctx.today`);
- idempotent: find-or-create by natural keys, so that a second run changes no counts;
- shows progress with `ctx.step("…")` and `ctx.progress(label, i, total)`;
- registers one demo login per role it creates with `ctx.login(role_label, username)`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import sys
from dataclasses import dataclass, field

from django.utils import timezone

DEMO_PASSWORD = "haidian-demo-2022"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_CHARS = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰春梅海燕文斌晓东宇辉鹏飞婷雪梅丹凤立新国庆永胜建华德明少华雅琴佳怡子涵浩然思远博文嘉怡欣怡晨阳振宇俊杰亚楠慧敏玉珍家豪梓萱雨泽瑞丰泽民卫东"


@dataclass
class DemoContext:
    now: dt.datetime = field(default_factory=timezone.now)
    verbosity: int = 1
    logins: list[tuple[str, str]] = field(default_factory=list)
    _rngs: dict[str, random.Random] = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    def rng(self, name: str) -> random.Random:
        """A generator seeded from `name` only: each app's data is stable whatever the others do."""
        if name not in self._rngs:
            seed = int(hashlib.sha256(name.encode()).hexdigest()[:16], 16)
            self._rngs[name] = random.Random(seed)
        return self._rngs[name]

    def person(self, index: int, salt: str = "") -> tuple[str, str, str]:
        """A synthetic but realistic (name, mobile, e-mail) for person number `index`.

        Mobiles are 11 digits starting 1[3-9]; e-mail addresses use the reserved `.invalid` domain.
        """
        h = int(hashlib.sha256(f"{salt}:{index}".encode()).hexdigest(), 16)
        surname = SURNAMES[h % len(SURNAMES)]
        h //= len(SURNAMES)
        given_len = 1 + (h % 3 != 0)  # two thirds have two-character given names
        h //= 3
        given = ""
        for _ in range(given_len):
            given += GIVEN_CHARS[h % len(GIVEN_CHARS)]
            h //= len(GIVEN_CHARS)
        mobile = f"1{3 + h % 7}{(h // 7) % 10**9:09d}"
        email = f"p{salt}{index}@demo.haidian.invalid".replace(":", "")
        return surname + given, mobile, email

    def step(self, message: str) -> None:
        if self.verbosity:
            print(f"  · {message}", flush=True)

    def progress(self, label: str, i: int, total: int) -> None:
        if not self.verbosity or total <= 0:
            return
        if i == total or i % max(1, total // 10) == 0:
            end = "\n" if i == total else "\r"
            sys.stdout.write(f"    {label}: {i}/{total}{end}")
            sys.stdout.flush()

    def login(self, role: str, username: str) -> None:
        if (role, username) not in self.logins:
            self.logins.append((role, username))


def demo_user(
    ctx: DemoContext, username: str, display_name: str, *, email: str = "", superuser: bool = False
):
    """Find or create a demo login with the shared demo password."""
    from congress.models import User

    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "display_name": display_name,
            "email": email,
            "is_superuser": superuser,
            "is_staff": superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user
