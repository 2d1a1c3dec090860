"""The disclosure policy: what the public may see. One place, used by the site and ``lfk render --public``.

- A power is public unless ``internal: true`` or ``disclosure: internal`` (``internal: true`` always wins).
- A flow is public only through a public power that runs on it; its "also used by" names public powers only.
- A post is named to the public unless ``internal: true``; an unknown post is not named at all.
- Risks and measures are never published, whatever their ``disclosure`` says: the public sees 职权目录,
  流程图 and 裁量基准 (REGISTER.md, clause 10); risks and measures are disclosed internally.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the models import this module
    from lfk.model.items import Authority, Measure, Post, Risk

PUBLIC, INTERNAL = "public", "internal"


def power_is_public(a: Authority) -> bool:
    """A power the public may see: never ``internal: true``, never ``disclosure: internal``."""
    return not a.internal and a.disclosure != "internal"


def risk_is_public(r: Risk) -> bool:  # noqa: ARG001 - the policy does not depend on the risk
    """A risk the public may see: none (risks are disclosed internally)."""
    return False


def measure_is_public(m: Measure) -> bool:  # noqa: ARG001
    """A measure the public may see: none (measures are disclosed internally)."""
    return False


def post_name(post: Post | None, post_id: str | None, audience: str) -> str | None:
    """The name of a post as ``audience`` sees it: None for an internal or unknown post in public."""
    if not post_id:
        return None
    if post is None:
        return post_id if audience == INTERNAL else None
    if post.internal and audience != INTERNAL:
        return None
    return post.name


class Audience:
    """An audience (public | internal) with the policy's questions as methods."""

    def __init__(self, name: str) -> None:
        if name not in (PUBLIC, INTERNAL):
            raise ValueError(f"unknown audience {name!r}")
        self.name = name
        self.public = name == PUBLIC

    def power(self, a: Authority) -> bool:
        """This audience may see the power."""
        return not self.public or power_is_public(a)

    def risk(self, r: Risk) -> bool:
        """This audience may see the risk."""
        return not self.public or risk_is_public(r)

    def measure(self, m: Measure) -> bool:
        """This audience may see the measure."""
        return not self.public or measure_is_public(m)

    def post(self, post: Post | None, post_id: str | None) -> str | None:
        """The post's name for this audience (None: not shown)."""
        return post_name(post, post_id, self.name)
