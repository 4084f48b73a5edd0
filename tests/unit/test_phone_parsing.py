import pytest

from contactlib import ContactService, parse_phone
from contactlib.exceptions import InvalidPhoneError
from contactlib.testing import MemoryContactRepository


class TestIncompleteNumbers:
    @pytest.mark.parametrize("text", ["+49 30", "+49 30 %%%", "+49 30 ____"])
    def test_no_e164(self, text):
        """A fragment too short for its country gets no E.164 form."""
        parsed = parse_phone(text)

        assert parsed.e164 is None
        assert not parsed.validated

    def test_strict_rejects(self):
        """Strict mode rejects a fragment and shows only its end."""
        with pytest.raises(InvalidPhoneError) as caught:
            parse_phone("+49 30", strict=True)

        assert caught.value.reason == (
            "phone number '…30' has too few or too many digits for its "
            "country; check the number"
        )

    def test_fragments_never_match(self):
        """Two stored fragments are not found by a look-up of either."""
        service = ContactService(MemoryContactRepository())
        service.create(first_name="Wild", phones=["+49 30 %%%"])
        service.create(first_name="Under", phones=["+49 30 ____"])

        with pytest.raises(InvalidPhoneError) as caught:
            service.find_by_phone("+49 30")

        assert caught.value.reason == (
            "cannot parse '…30' as a complete phone number; write it with "
            "its country code or set a region"
        )

    def test_complete_number(self):
        """A complete number keeps its E.164 form."""
        assert parse_phone("+49 30 901820").e164 == "+4930901820"
