"""Events of the comments app that later apps subscribe to, without comments importing them.

`reply_posted`: a reply to someone else's comment has committed; listeners get the reply's id
(the followers app turns it into a `comment_reply` notification for the parent's author).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

_reply_listeners: list[Callable[[int], None]] = []


def on_reply_posted(listener: Callable[[int], None]) -> None:
    if listener not in _reply_listeners:
        _reply_listeners.append(listener)


def reply_posted(reply_id: int) -> None:
    for listener in list(_reply_listeners):
        try:
            listener(reply_id)
        except Exception:  # the reply is stored; a listener's bug must not undo it
            logger.exception("reply listener failed", extra={"reply": reply_id})
