"""Password hashing (argon2) and the strength rule for new passwords."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
_hasher = PasswordHasher()
_COMMON = frozenset(FREQUENCY_LISTS["passwords"])
# A hash to verify against when no account matches, so timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("no account has this password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


ZXCVBN_MAX_LENGTH = 72


def weakness(password: str, user_inputs: list[str] | None = None) -> str | None:
    """Why a new password is not acceptable, as a key: 'short', 'common', 'guessable'; or None."""
    if len(password) < MIN_LENGTH:
        return "short"
    if password.lower() in _COMMON:
        return "common"
    # zxcvbn refuses more than 72 characters; the first 72 tell enough about a password.
    if zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=user_inputs or [])["score"] < 3:
        return "guessable"
    return None
