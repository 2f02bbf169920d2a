"""Which kiosks may send events at each post: the registry's, or a few learnt per post.

With a registry (`registry = "path"` in the center config) a kiosk not listed at its post,
or a post not listed at all, is quarantined. Without one (the simulator, the demo) kiosks are
learnt as they first send, up to `learn_cap` per post: a gateway login making up kiosk ids
cannot grow the center's view of its post without bound.
"""

from __future__ import annotations

from collections.abc import Iterable

from center.registry import Registry

LEARN_CAP = 64


class KioskRoster:
    """The kiosks of every post; `refusal` says why a kiosk may not send, or None."""

    def __init__(self, registry: Registry | None = None, learn_cap: int = LEARN_CAP,
                 known: Iterable[tuple[str, str]] = ()) -> None:
        self.registry, self.learn_cap = registry, learn_cap
        self._learnt: dict[str, set[str]] = {}
        for post, kiosk in known:
            self._learnt.setdefault(post, set()).add(kiosk)

    def refusal(self, post: str, kiosk: str) -> tuple[str, str] | None:
        """(reason, detail) when `kiosk` may not send events at `post`; None when it may."""
        if self.registry is not None:
            kiosks = self.registry.kiosks_of(post)
            if kiosks is None:
                return "unknown_post", f"post {post} is not in the registry"
            if kiosk not in kiosks:
                return "unknown_kiosk", f"kiosk {kiosk} is not registered at post {post}"
            return None
        learnt = self._learnt.setdefault(post, set())
        if kiosk in learnt:
            return None
        if len(learnt) >= self.learn_cap:
            return "too_many_kiosks", (f"post {post} already has {self.learn_cap} kiosks; "
                                       f"{kiosk} is one too many (set a registry)")
        learnt.add(kiosk)
        return None
