import email_validator
from hypothesis import given
from hypothesis import strategies as st

from contactlib import normalize_email
from contactlib.exceptions import InvalidEmailError

ATEXT = "abcXYZ019!#$%&'*+/=?^_`{|}~.-"
plain_addresses = st.builds(
    lambda local, domain: f"{local}@{domain}",
    st.text(alphabet=ATEXT, min_size=0, max_size=70),
    st.text(alphabet="abcXYZ019.-", min_size=0, max_size=70),
)


def full_validation(address: str) -> str | None:
    try:
        result = email_validator.validate_email(
            address, check_deliverability=False
        )
    except email_validator.EmailNotValidError:
        return None
    return str(result.normalized)


def cached_validation(address: str) -> str | None:
    normalize_email.cache_clear()
    try:
        return normalize_email(address)
    except InvalidEmailError:
        return None


class TestEmailFastPath:
    @given(plain_addresses)
    def test_same_as_full_validation(self, address):
        """The per-domain fast path agrees with email-validator."""
        assert cached_validation(address) == full_validation(address)
