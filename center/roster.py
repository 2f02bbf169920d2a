"""Which devices the center keeps: the registry's, or (learning) the last few seen per post.

With a registry (the default: `registry = "path"` in the center config) a kiosk not listed at
its post, or a post not listed at all, is quarantined and its states are not kept. Learning
(`learn_kiosks = true`: the demo, the simulator) keeps the `learn_cap` kiosks of each post
seen last and the `learn_posts` posts seen last: a newcomer pushes out the one unheard of the
longest, so a gateway login making up kiosk ids grows nothing without bound and cannot lock
the real kiosk out (it is learnt again the moment it sends, also after a restart).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

from center.registry import Registry

LEARN_CAP = 64
LEARN_POSTS = 1000

Device = tuple[str, str | None]  # (post, kiosk); kiosk None for the post's gateway


class KioskRoster:
    """The devices of every post; `refusal` says why a kiosk may not send, or None."""

    def __init__(self, registry: Registry | None = None, learn_cap: int = LEARN_CAP,
                 known: Iterable[Device] = (), learn_posts: int = LEARN_POSTS) -> None:
        self.registry, self.learn_cap, self.learn_posts = registry, learn_cap, learn_posts
        self._registered = {entry.code: frozenset(entry.kiosks)
                            for entry in registry.post} if registry is not None else {}
        # Least recently heard first.
        self._learnt: OrderedDict[str, OrderedDict[str, None]] = OrderedDict()
        self._forgotten: list[Device] = []
        for post, kiosk in known:
            self.keeps(post, kiosk)
        self._forgotten.clear()

    @property
    def learning(self) -> bool:
        """True without a registry: devices are learnt as they are heard."""
        return self.registry is None

    def refusal(self, post: str, kiosk: str) -> tuple[str, str] | None:
        """(reason, detail) when `kiosk` may not send events at `post`; None when it may."""
        if self.learning:
            self.keeps(post, kiosk)
            return None
        kiosks = self._registered.get(post)
        if kiosks is None:
            return "unknown_post", f"post {post} is not in the registry"
        if kiosk not in kiosks:
            return "unknown_kiosk", f"kiosk {kiosk} is not registered at post {post}"
        return None

    def keeps(self, post: str, kiosk: str | None) -> bool:
        """Whether the center keeps this device's state; learning, it is learnt (or heard
        again) now and may push out the device of its post unheard of the longest."""
        if not self.learning:
            return self.holds(post, kiosk)
        kiosks = self._learnt.get(post)
        if kiosks is None:
            kiosks = self._learnt[post] = OrderedDict()
            if len(self._learnt) > self.learn_posts:
                old_post, old_kiosks = self._learnt.popitem(last=False)
                self._forgotten += [(old_post, None), *((old_post, k) for k in old_kiosks)]
        self._learnt.move_to_end(post)
        if kiosk is not None:
            kiosks[kiosk] = None
            kiosks.move_to_end(kiosk)
            if len(kiosks) > self.learn_cap:
                self._forgotten.append((post, kiosks.popitem(last=False)[0]))
        return True

    def holds(self, post: str, kiosk: str | None) -> bool:
        """Whether the device is registered (or learnt now), without learning it."""
        kiosks = self._learnt.get(post) if self.learning else self._registered.get(post)
        return kiosks is not None and (kiosk is None or kiosk in kiosks)

    def take_forgotten(self) -> list[Device]:
        """The learnt devices pushed out since the last call (their state is to be dropped)."""
        forgotten, self._forgotten = self._forgotten, []
        return forgotten
