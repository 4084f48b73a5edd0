import contactlib
import contactlib.exceptions


class TestPublicNames:
    def test_all_sorted(self):
        """The package's `__all__` is sorted."""
        assert contactlib.__all__ == sorted(contactlib.__all__)

    def test_all_exported(self):
        """Every name in `__all__` exists in the package."""
        missing = [
            name
            for name in contactlib.__all__
            if not hasattr(contactlib, name)
        ]

        assert missing == []

    def test_every_public_name_documented(self):
        """Every public name has a docstring."""
        undocumented = [
            name
            for name in contactlib.__all__
            if not (getattr(contactlib, name).__doc__ or "").strip()
        ]

        assert undocumented == []

    def test_exceptions_share_root(self):
        """Every exception in the exceptions module derives from the root."""
        for name in contactlib.exceptions.__all__:
            error = getattr(contactlib.exceptions, name)

            assert issubclass(error, contactlib.exceptions.ContactlibError)
