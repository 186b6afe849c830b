"""What a person may call themselves: a name, not a role.

A partner chooses the name their partner and counselor see. A name such as "Your
counselor", "Hearth Support" or "T h e r a p i s t" would let one partner pass words
off as the counselor's or the app's, so names that claim a role are refused, whatever
their case, spacing, accents or look-alike letters. (Pages also show the role beside the
name, "Sam (partner)": see ``Partner.name_with_role``.)
"""

from __future__ import annotations

import re
import unicodedata

# Words that name a role in Hearth, compared with the name's letters run together.
ROLE_WORDS = ("counselor", "counsellor", "therapist", "admin", "hearth", "support")
# The same roles in the other languages Hearth speaks ("Tu consejera", "Terapeuta").
ROLE_WORDS += ("consejer", "terapeut", "soporte")
# And "your …" as a word of its own ("Your partner"; "Youri" is a name).
ROLE_PREFIX = "your"

# Letters from other alphabets that look like Latin ones, and digits used as letters.
_LOOK_ALIKES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ѕ": "s", "і": "i", "ј": "j", "к": "k", "м": "m",
        "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "һ": "h",
        "ԁ": "d", "ӏ": "l", "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "0": "o", "1": "l", "3": "e", "4": "a",
        "5": "s", "7": "t", "@": "a", "$": "s",
    }
)  # fmt: skip


def N_(message: str) -> str:
    """Marks ``message`` for translation (``make translations`` gathers it) and keeps it."""
    return message


# In English here; ``role_name_message`` gives it in the page's language.
ROLE_NAME_MESSAGE = N_(
    "That sounds like a role in Hearth (a counselor, support or the app itself), and your "
    "partner might read it that way. Please use the name you go by, like “Sam”."
)


def role_name_message() -> str:
    """Why a name is refused, in the language being spoken."""
    from flask_babel import gettext

    return gettext(ROLE_NAME_MESSAGE)


def _plain(name: str) -> str:
    """Lower case, accents and look-alikes folded: "Ｙоúr  Cóunselor" -> "your counselor"."""
    decomposed = unicodedata.normalize("NFKD", name)
    # Accents go, and so do invisible characters (zero-width spaces and joiners).
    bare = "".join(
        c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c) != "Cf"
    )
    return bare.casefold().translate(_LOOK_ALIKES)


def claims_a_role(name: str) -> bool:
    """Does ``name`` present its owner as a counselor, the app, its support, or "your …"?"""
    plain = _plain(name)
    letters = "".join(c for c in plain if c.isalpha())
    if any(word in letters for word in ROLE_WORDS):
        return True
    return ROLE_PREFIX in re.findall(r"[^\W\d_]+", plain)
