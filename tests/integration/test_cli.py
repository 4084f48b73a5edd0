"""The ``contactlib`` command against real SQLite files."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rich.console import Console

from contactlib import ContactService, Link
from contactlib.adapters.sqlite import SqliteContactRepository
from contactlib.cli._app import cli
from contactlib.cli._import import ImportProgress

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "contacts.csv"


def _link(
    party_name: str, *, primary: bool = False, roles: tuple[str, ...] = ()
) -> Link:
    return Link("Customer", party_name, is_primary=primary, roles=roles)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Path of a database file that does not exist yet."""
    return tmp_path / "contacts.sqlite3"


@pytest.fixture
def seeded(db: Path) -> Path:
    """A database with one party for each default-contact rule."""
    with SqliteContactRepository(db) as repository:
        service = ContactService(repository, default_region="DE")
        service.create(
            contact_id="amira",
            first_name="أميرة",
            last_name="السيد",
            designation="Finance Manager",
            department="Accounts",
            emails=["Amira@NileSpice.example"],
            phones=["+20 2 2736 1450", "+20 100 123 4567"],
            links=[
                _link("ROLE-PRIMARY", primary=True, roles=("billing",)),
                _link("ROLE-ONLY", primary=True),
                _link("PRIMARY", primary=True),
                _link("ONLY"),
            ],
        )
        service.create(
            contact_id="wang",
            first_name="伟",
            last_name="王",
            emails=["wang.wei@lanternsilk.example"],
            phones=["030 1234567"],
            links=[
                _link("ROLE-PRIMARY", roles=("billing",)),
                _link("ROLE-ONLY", roles=("billing",)),
                _link("PRIMARY"),
                _link("SEVERAL"),
            ],
        )
        service.create(
            contact_id="zoe",
            first_name="Zoë",
            last_name="Dubois",
            company_name="Brasserie Léon",
            emails=["zoe@brasserie-leon.example"],
            links=[_link("SEVERAL")],
        )
    return db


@pytest.fixture
def run(db: Path):
    """Run the command in-process with ``--db`` set to the test database."""

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        runner = CliRunner(env={"CONTACTLIB_REGION": None, **(env or {})})
        return runner.invoke(
            cli, ["--db", str(db), *args], catch_exceptions=False
        )

    return invoke


def _one_line_error(result: Result) -> str:
    lines = result.stderr.splitlines()

    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.output
    return lines[0]


def _contactlib(
    *args: str, cwd: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "contactlib", *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


class TestPackage:
    def test_import_loads_no_cli_packages(self):
        """``import contactlib`` loads neither click nor rich."""
        code = (
            "import sys, contactlib, contactlib.cli; "
            "print(sorted(m for m in ('click', 'rich') if m in sys.modules))"
        )

        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
        )

        assert done.stdout.strip() == "[]"

    def test_missing_click(self):
        """Without click the command names the extra to install."""
        code = (
            "import sys; sys.modules['click'] = None; "
            "sys.argv = ['contactlib', 'list']; "
            "from contactlib.cli import main; main()"
        )

        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=False,
        )

        assert done.returncode == 1
        assert done.stderr == (
            "error: the contactlib command needs click, which is not "
            "installed; install the command with: "
            "pip install 'contactlib[cli]'\n"
        )

    def test_module_entry_point(self, seeded: Path, tmp_path: Path):
        """``python -m contactlib`` runs the command."""
        done = _contactlib("--db", str(seeded), "show", "zoe", cwd=tmp_path)

        assert done.returncode == 0, done.stderr
        assert "Zoë Dubois" in done.stdout

    def test_console_script(self, seeded: Path, tmp_path: Path):
        """The installed ``contactlib`` script runs the command."""
        script = Path(sys.executable).parent / "contactlib"

        done = subprocess.run(  # noqa: S603
            [str(script), "default", "Customer", "ONLY", "--json"],
            cwd=tmp_path,
            env={**os.environ, "CONTACTLIB_DB": str(seeded)},
            capture_output=True,
            text=True,
            check=False,
        )

        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["contact"]["id"] == "amira"

    def test_default_database_in_working_folder(self, tmp_path: Path):
        """Without --db or the variable, ./contacts.sqlite3 is used."""
        env = {k: v for k, v in os.environ.items() if k != "CONTACTLIB_DB"}

        done = subprocess.run(
            [sys.executable, "-m", "contactlib", "list"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

        assert done.returncode == 2
        assert done.stderr.startswith(
            "error: database contacts.sqlite3 not found;"
        )


class TestShow:
    def test_full_id(self, seeded, run):
        """Show prints every field, e-mail, phone and link."""
        result = run("show", "amira")

        assert result.exit_code == 0
        assert "Contact amira (version 1)" in result.stdout
        assert "أميرة السيد" in result.stdout
        assert "Finance Manager" in result.stdout
        assert "* Amira@nilespice.example" in result.stdout
        assert "+20 2 2736 1450  [phone, +20227361450]" in result.stdout
        assert "* Customer ROLE-PRIMARY  roles: billing" in result.stdout
        assert "  Customer ONLY" in result.stdout

    def test_prefix(self, seeded, run):
        """A unique start of an id selects the contact."""
        result = run("show", "wa")

        assert result.exit_code == 0
        assert "Contact wang (version 1)" in result.stdout

    def test_prefix_ignores_case(self, seeded, run):
        """A prefix in another letter case selects the contact."""
        result = run("show", "WA")

        assert result.exit_code == 0
        assert "Contact wang (version 1)" in result.stdout

    def test_prefix_case_exact_first(self, seeded, run, db):
        """A prefix that matches with its letter case wins over others."""
        with SqliteContactRepository(db) as repository:
            ContactService(repository).create(
                contact_id="WAX", first_name="Wax"
            )

        upper = run("show", "WA")
        lower = run("show", "wa")

        assert "Contact WAX (version 1)" in upper.stdout
        assert "Contact wang (version 1)" in lower.stdout

    def test_ambiguous_prefix(self, seeded, run, db):
        """A prefix shared by several ids is rejected with the matches."""
        with SqliteContactRepository(db) as repository:
            ContactService(repository).create(
                contact_id="wanda", first_name="Wanda"
            )

        result = run("show", "wa")

        assert result.exit_code == 2
        assert _one_line_error(result) == (
            "error: id prefix 'wa' matches 2 contacts (wanda, wang); "
            "give more characters"
        )

    def test_unknown_id(self, seeded, run):
        """An unknown id is a one-line error with status 2."""
        result = run("show", "nobody")

        assert result.exit_code == 2
        assert _one_line_error(result) == (
            "error: contact 'nobody' not found; check the id, or search "
            "for the contact by name or e-mail"
        )

    def test_json(self, seeded, run):
        """--json prints the documented keys of a contact."""
        result = run("show", "amira", "--json")

        contact = json.loads(result.stdout)
        assert result.exit_code == 0
        assert list(contact) == [
            "id",
            "display_name",
            "full_name",
            "salutation",
            "first_name",
            "middle_name",
            "last_name",
            "designation",
            "gender",
            "company_name",
            "department",
            "status",
            "user_id",
            "unsubscribed",
            "version",
            "emails",
            "phones",
            "links",
        ]
        assert contact["emails"] == [
            {"address": "Amira@nilespice.example", "is_primary": True}
        ]
        assert contact["phones"][1] == {
            "raw": "+20 100 123 4567",
            "e164": "+201001234567",
            "extension": None,
            "is_mobile": True,
            "validated": True,
            "is_primary_phone": False,
            "is_primary_mobile": True,
        }
        assert contact["links"][0] == {
            "party_type": "Customer",
            "party_name": "ROLE-PRIMARY",
            "title": "",
            "is_primary": True,
            "roles": ["billing"],
        }

    def test_global_json(self, seeded, run):
        """--json before the command name works as well."""
        result = run("--json", "show", "zoe")

        assert json.loads(result.stdout)["company_name"] == "Brasserie Léon"


class TestList:
    def test_all(self, seeded, run):
        """List prints every contact, ordered by id."""
        result = run("list")

        lines = result.stdout.splitlines()
        assert result.exit_code == 0
        assert lines[0].split()[:3] == ["ID", "Name", "Company"]
        assert [line.split()[0] for line in lines[1:]] == [
            "amira",
            "wang",
            "zoe",
        ]

    def test_party(self, seeded, run):
        """--party TYPE:NAME keeps the contacts linked to that party."""
        result = run("list", "--party", "Customer:SEVERAL", "--json")

        ids = [c["id"] for c in json.loads(result.stdout)["contacts"]]
        assert ids == ["wang", "zoe"]

    def test_party_type_and_name(self, seeded, run):
        """--party-type with --party-name filters like --party."""
        result = run(
            "list",
            "--party-type",
            "Customer",
            "--party-name",
            "ONLY",
            "--json",
        )

        ids = [c["id"] for c in json.loads(result.stdout)["contacts"]]
        assert ids == ["amira"]

    def test_search(self, seeded, run):
        """--search matches names in any script, ignoring case."""
        result = run("list", "--search", "LÉON", "--json")

        ids = [c["id"] for c in json.loads(result.stdout)["contacts"]]
        assert ids == ["zoe"]

    def test_limit(self, seeded, run):
        """--limit cuts the list and reports that more contacts exist."""
        text = run("list", "--limit", "2")
        data = json.loads(run("list", "--limit", "2", "--json").stdout)

        assert "raise --limit to see more" in text.stdout
        assert [c["id"] for c in data["contacts"]] == ["amira", "wang"]
        assert data["more"] is True

    @pytest.mark.parametrize(
        ("limit", "shown"),
        [("1", "the first contact is"), ("2", "the first 2 contacts are")],
    )
    def test_limit_message(self, seeded, run, limit, shown):
        """The note under a cut list counts in the right number."""
        result = run("list", "--limit", limit)

        assert result.stdout.splitlines()[-1] == (
            f"Only {shown} shown; raise --limit to see more."
        )

    def test_no_match(self, seeded, run):
        """A search without matches reports it and exits with 0."""
        result = run("list", "--search", "nobody at all")

        assert result.exit_code == 0
        assert result.stdout == "No contacts match.\n"

    def test_party_without_colon(self, seeded, run):
        """A --party value without a colon is bad input."""
        result = run("list", "--party", "Customer")

        assert result.exit_code == 2
        assert _one_line_error(result) == (
            "error: party 'Customer' has no colon; write it as TYPE:NAME, "
            "such as Customer:CUST-0042"
        )

    def test_party_given_twice(self, seeded, run):
        """--party and --party-type together are rejected."""
        result = run(
            "list", "--party", "Customer:ONLY", "--party-type", "Customer"
        )

        assert result.exit_code == 2
        assert "not both" in _one_line_error(result)


class TestDefault:
    @pytest.mark.parametrize(
        ("party", "role", "contact_id", "rule"),
        [
            ("ROLE-PRIMARY", "billing", "amira", "primary_with_role"),
            ("ROLE-ONLY", "billing", "wang", "only_with_role"),
            ("PRIMARY", None, "amira", "primary"),
            ("ONLY", None, "amira", "only_contact"),
        ],
    )
    def test_found(  # noqa: PLR0917
        self, seeded, run, party, role, contact_id, rule
    ):
        """Each resolution rule picks its contact and names the rule."""
        role_args = () if role is None else ("--role", role)

        result = run("default", "Customer", party, *role_args, "--json")

        data = json.loads(result.stdout)
        assert result.exit_code == 0
        assert data["found"] is True
        assert data["rule"] == rule
        assert data["contact"]["id"] == contact_id

    def test_text(self, seeded, run):
        """The text output lists what a sales order copies."""
        result = run(
            "default", "Customer", "ROLE-PRIMARY", "--role", "billing"
        )

        assert result.exit_code == 0
        assert result.stdout == (
            "Default contact for Customer ROLE-PRIMARY (role billing)\n"
            "  id           amira\n"
            "  name         أميرة السيد\n"
            "  e-mail       Amira@nilespice.example\n"
            "  phone        +20 2 2736 1450\n"
            "  mobile       +20 100 123 4567\n"
            "  designation  Finance Manager\n"
            "  department   Accounts\n"
            "  rule         primary contact with the role\n"
        )

    def test_several_candidates(self, seeded, run):
        """With several contacts and no primary, the candidates are listed."""
        result = run("default", "Customer", "SEVERAL")

        assert result.exit_code == 3
        assert result.stdout == (
            "No default contact for Customer SEVERAL: several contacts and "
            "none is primary\n"
            "Candidates; make one primary with set-primary:\n"
            "  wang  伟 王\n"
            "  zoe  Zoë Dubois\n"
        )

    def test_no_contacts_json(self, seeded, run):
        """A party without contacts gives the reason as JSON and status 3."""
        result = run("default", "Customer", "NOBODY", "--json")

        assert result.exit_code == 3
        assert json.loads(result.stdout) == {
            "party_type": "Customer",
            "party_name": "NOBODY",
            "role": None,
            "found": False,
            "rule": "no_contacts",
            "reason": "no contacts are linked to the party",
            "contact": None,
            "candidates": [],
        }

    def test_candidates_json(self, seeded, run):
        """The JSON output names each candidate."""
        result = run("default", "Customer", "SEVERAL", "--json")

        assert json.loads(result.stdout)["candidates"] == [
            {"id": "wang", "display_name": "伟 王"},
            {"id": "zoe", "display_name": "Zoë Dubois"},
        ]


class TestFind:
    def test_email_ignores_case(self, seeded, run):
        """An address matches whatever its letter case."""
        result = run("find", "--email", "AMIRA@nilespice.EXAMPLE", "--json")

        ids = [c["id"] for c in json.loads(result.stdout)["contacts"]]
        assert ids == ["amira"]

    def test_phone_any_formatting(self, seeded, run):
        """A number matches in another formatting, with the region set."""
        result = run("--region", "de", "find", "--phone", "+49 (30) 123-4567")

        assert result.exit_code == 0
        assert result.stdout.splitlines()[1].split()[0] == "wang"

    def test_phone_region_from_environment(self, seeded, run):
        """CONTACTLIB_REGION sets the region for national numbers."""
        result = run(
            "find",
            "--phone",
            "030 123 45 67",
            "--json",
            env={"CONTACTLIB_REGION": "DE"},
        )

        ids = [c["id"] for c in json.loads(result.stdout)["contacts"]]
        assert ids == ["wang"]

    def test_no_match(self, seeded, run):
        """An unknown address gives an empty list and status 0."""
        result = run("find", "--email", "nobody@example.com", "--json")

        assert result.exit_code == 0
        assert json.loads(result.stdout) == {"contacts": []}

    def test_bad_email(self, seeded, run):
        """A malformed address is a one-line error showing only its domain."""
        result = run("find", "--email", "amira@@nilespice.example")

        error = _one_line_error(result)
        assert result.exit_code == 2
        assert error.startswith("error: email: invalid e-mail address")
        assert "amira@" not in error

    def test_unparseable_phone(self, seeded, run):
        """A national number without a region is a one-line error."""
        result = run("find", "--phone", "030 1234567")

        assert result.exit_code == 2
        assert _one_line_error(result).endswith(
            "write it with its country code or set a region"
        )

    def test_needs_one_option(self, seeded, run):
        """Find needs exactly one of --email and --phone."""
        neither = run("find")
        both = run("find", "--email", "a@example.com", "--phone", "+4930")

        assert neither.exit_code == 2
        assert both.exit_code == 2
        assert _one_line_error(neither) == (
            "error: give exactly one of --email and --phone"
        )


class TestLink:
    def test_link_with_roles(self, seeded, run):
        """Link adds a party with its title and roles."""
        result = run(
            "link",
            "zoe",
            "Supplier",
            "SUPP-0001",
            "--title",
            "Brasserie Léon Achats",
            "--role",
            "billing",
            "--role",
            "Shipping",
            "--json",
        )

        links = json.loads(result.stdout)["contact"]["links"]
        assert result.exit_code == 0
        assert links[-1] == {
            "party_type": "Supplier",
            "party_name": "SUPP-0001",
            "title": "Brasserie Léon Achats",
            "is_primary": False,
            "roles": ["billing", "shipping"],
        }

    def test_long_title(self, seeded, run):
        """A title that is too long names the --title option."""
        result = run(
            "link", "zoe", "Supplier", "SUPP-0001", "--title", "t" * 5000
        )

        assert result.exit_code == 2
        assert _one_line_error(result) == (
            "error: --title is 5000 characters long, more than the 140 allowed"
        )

    def test_long_party_name(self, seeded, run):
        """A party name that is too long names the argument."""
        result = run("default", "Customer", "n" * 1000)

        assert result.exit_code == 2
        assert _one_line_error(result) == (
            "error: PARTY_NAME is 1000 characters long, more than the 140 "
            "allowed"
        )

    @pytest.mark.parametrize(
        "args",
        [
            ("link", "zoe", "Supplier", "SUPP-0001", "--role", ""),
            ("link", "zoe", "Supplier", "SUPP-0001", "--role", "  "),
            ("default", "Customer", "ONLY", "--role", ""),
        ],
    )
    def test_empty_role(self, seeded, run, args):
        """An empty --role is a usage error, not a link without a role."""
        result = run(*args)

        assert result.exit_code == 2
        assert result.stderr.startswith("Usage: ")
        assert result.stderr.splitlines()[-1] == (
            "Error: --role needs a role name, such as billing; leave the "
            "option out for no role"
        )

    def test_link_primary_demotes(self, seeded, run):
        """Linking with --primary takes the mark from the previous contact."""
        result = run("link", "zoe", "Customer", "PRIMARY", "--primary")
        answer = run("default", "Customer", "PRIMARY", "--json")

        assert result.exit_code == 0
        assert result.stdout.startswith("Linked to Customer PRIMARY.\n")
        assert json.loads(answer.stdout)["contact"]["id"] == "zoe"

    def test_unlink(self, seeded, run):
        """Unlink removes the link, so the party has one contact fewer."""
        result = run("unlink", "wang", "Customer", "SEVERAL")
        answer = run("default", "Customer", "SEVERAL", "--json")

        assert result.exit_code == 0
        assert json.loads(answer.stdout)["rule"] == "only_contact"

    def test_unlink_not_linked(self, seeded, run):
        """Unlinking a party the contact has no link to is bad input."""
        result = run("unlink", "zoe", "Customer", "ONLY")

        assert result.exit_code == 2
        assert _one_line_error(result) == (
            "error: contact zoe is not linked to Customer ONLY, so there is "
            "no link to remove; `contactlib show zoe` lists its links"
        )

    def test_link_unknown_id(self, seeded, run):
        """Linking an unknown contact is a one-line error."""
        result = run("link", "nobody", "Customer", "ONLY")

        assert result.exit_code == 2
        assert "contact 'nobody' not found" in _one_line_error(result)


class TestSetPrimary:
    def test_demotes_previous(self, seeded, run):
        """Set-primary moves the mark and names the previous contact."""
        result = run("set-primary", "Customer", "PRIMARY", "wang", "--json")
        answer = run("default", "Customer", "PRIMARY", "--json")

        data = json.loads(result.stdout)
        assert result.exit_code == 0
        assert data["previous_primary_id"] == "amira"
        assert json.loads(answer.stdout)["contact"]["id"] == "wang"

    def test_text(self, seeded, run):
        """The text output names the contact that lost the mark."""
        result = run("set-primary", "Customer", "SEVERAL", "zo")

        assert result.exit_code == 0
        assert result.stdout.startswith("Primary contact of Customer SEVERAL.")

    def test_not_linked(self, seeded, run):
        """A contact that is not linked to the party cannot be primary."""
        result = run("set-primary", "Customer", "ONLY", "zoe")

        assert result.exit_code == 2
        assert _one_line_error(result) == (
            "error: links: contact 'zoe' is not linked to Customer ONLY; "
            "link it first"
        )


class TestDatabaseErrors:
    def test_missing_database(self, run):
        """Reading commands do not create a missing database."""
        result = run("list")

        assert result.exit_code == 2
        assert _one_line_error(result).startswith("error: database ")

    def test_not_sqlite(self, run, db):
        """A --db file that is not SQLite is a one-line error."""
        db.write_text("First Name,Last Name\nAda,Lovelace\n")

        result = run("list")

        assert result.exit_code == 2
        assert _one_line_error(result) == (
            f"error: {db} is not a SQLite database; give the path of a "
            "contactlib database with --db"
        )

    def test_corrupt_sqlite(self, run, db):
        """A damaged SQLite file is a one-line failure with status 1."""
        db.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 16)

        result = run("list")

        assert result.exit_code == 1
        assert "not a database" in _one_line_error(result)

    def test_directory(self, run, db):
        """A --db path that is a folder is a one-line error."""
        db.mkdir()

        result = run("list")

        assert result.exit_code == 2
        assert _one_line_error(result) == (
            f"error: cannot open {db}: is a directory"
        )

    def test_missing_folder(self, tmp_path):
        """Import reports a --db path in a folder that does not exist."""
        db = tmp_path / "no such folder" / "contacts.sqlite3"

        result = CliRunner().invoke(
            cli, ["--db", str(db), "import", str(EXAMPLE)]
        )

        assert result.exit_code == 2
        assert _one_line_error(result) == (
            f"error: cannot create database {db}: folder {db.parent} does "
            "not exist; create it or give another path with --db"
        )

    def test_unknown_region(self, run):
        """An unknown region code names the option it came from."""
        result = run("--region", "XX", "list")

        assert result.exit_code == 2
        assert _one_line_error(result) == (
            "error: unknown region 'XX' given with --region; give an ISO "
            "3166 alpha-2 country code such as DE, IN or US"
        )

    def test_unknown_region_from_environment(self, run):
        """An unknown region code names the environment variable."""
        result = run("list", env={"CONTACTLIB_REGION": "XX"})

        assert result.exit_code == 2
        assert _one_line_error(result) == (
            "error: unknown region 'XX' in the environment variable "
            "CONTACTLIB_REGION; set it to an ISO 3166 alpha-2 country code "
            "such as DE, IN or US, or unset it"
        )


class TestImport:
    def test_example(self, run, db):
        """The example file imports with every row stored or rejected."""
        result = run("import", str(EXAMPLE), "--json")

        report = json.loads(result.stdout)["files"][0]
        assert result.exit_code == 0
        assert report["rows_read"] == report["stored"] + report["rejected"]
        assert report["rejected"] >= 1
        assert db.exists()

    def test_text_report(self, run):
        """The text report prints counts and one line per problem."""
        result = run("import", str(EXAMPLE))

        lines = result.stdout.splitlines()
        assert result.exit_code == 0
        assert lines[0].startswith(f"{EXAMPLE}: ")
        assert " rows read, " in lines[0]
        assert any(line.startswith("  row ") for line in lines[1:])

    def test_dry_run_writes_nothing(self, run, db):
        """A dry run reports and does not create the database."""
        result = run("import", "--dry-run", str(EXAMPLE), "--json")

        report = json.loads(result.stdout)["files"][0]
        assert result.exit_code == 0
        assert report["dry_run"] is True
        assert report["stored"] > 0
        assert not db.exists()

    def test_dry_run_keeps_database(self, seeded, run):
        """A dry run against a database leaves its contacts as they were."""
        result = run("import", "--dry-run", str(EXAMPLE))
        listed = json.loads(run("list", "--json").stdout)["contacts"]

        assert result.exit_code == 0
        assert "would be stored" in result.stdout
        assert [c["id"] for c in listed] == ["amira", "wang", "zoe"]

    def test_region(self, run, tmp_path):
        """--region turns national numbers into validated E.164 numbers."""
        sheet = tmp_path / "berlin.csv"
        sheet.write_text(
            "First Name,Number (Contact Numbers)\nAda,030 1234567\n",
            encoding="utf-8",
        )

        run("--region", "DE", "import", str(sheet))
        found = run("find", "--phone", "+49 30 1234567", "--json")

        (contact,) = json.loads(found.stdout)["contacts"]
        assert contact["phones"][0]["e164"] == "+49301234567"
        assert contact["phones"][0]["validated"] is True

    def test_strict(self, run, tmp_path):
        """--strict rejects a row whose phone number cannot be parsed."""
        sheet = tmp_path / "phones.csv"
        sheet.write_text(
            "First Name,Number (Contact Numbers)\n"
            "Ada,+49 30 1234567\n"
            "Grace,call reception\n",
            encoding="utf-8",
        )

        lenient = run("import", "--dry-run", str(sheet), "--json")
        strict = run("import", "--dry-run", "--strict", str(sheet), "--json")

        assert json.loads(lenient.stdout)["files"][0]["rejected"] == 0
        report = json.loads(strict.stdout)["files"][0]
        assert report["rejected"] == 1
        assert report["rejections"][0]["row"] == 3
        assert report["rejections"][0]["problems"][0]["value"] == (
            "call reception"
        )

    def test_fail_on_reject(self, run):
        """--fail-on-reject turns rejected rows into exit status 1."""
        result = run("import", "--fail-on-reject", str(EXAMPLE))

        assert result.exit_code == 1

    def test_missing_file(self, run, db, tmp_path):
        """A missing file is a one-line error and nothing is imported."""
        missing = tmp_path / "missing.csv"

        result = run("import", str(EXAMPLE), str(missing))

        assert result.exit_code == 2
        assert _one_line_error(result) == (
            f"error: cannot open {missing}: no such file or directory"
        )
        assert not db.exists()

    def test_binary_file(self, run, tmp_path):
        """A binary file is a one-line error with status 2."""
        binary = tmp_path / "photo.csv"
        binary.write_bytes(bytes(range(256)) * 8)

        result = run("import", str(binary))

        assert result.exit_code == 2
        assert _one_line_error(result).startswith(f"error: {binary}")

    def test_unreadable_file_among_others(self, run, tmp_path):
        """A file that cannot be read is reported; the others are imported."""
        binary = tmp_path / "photo.csv"
        binary.write_bytes(bytes(range(256)) * 8)

        result = run("import", str(binary), str(EXAMPLE), "--json")

        files = json.loads(result.stdout)["files"]
        assert result.exit_code == 2
        assert files[0]["file"] == str(binary)
        assert files[0]["error"].startswith(str(binary))
        assert files[1]["stored"] > 0
        assert _one_line_error(result) == f"error: {files[0]['error']}"

    def test_map_roles(self, run, tmp_path):
        """--map sends a column of roles to the links of each row."""
        sheet = tmp_path / "roles.csv"
        sheet.write_text(
            "First Name,Roles,Email ID (Email IDs),"
            "Link Document Type (Links),Link Name (Links)\n"
            'Ada,"billing, shipping",ada@example.com,Customer,CUST-1\n'
            "Grace,,grace@example.com,Customer,CUST-1\n",
            encoding="utf-8",
        )

        imported = run("import", str(sheet), "--map", "Roles=roles")
        answer = run("default", "Customer", "CUST-1", "--role", "shipping")

        assert imported.exit_code == 0
        assert "2 stored, 0 rejected" in imported.stdout
        assert "only contact with the role" in answer.stdout
        assert "Ada" in answer.stdout

    def test_link_column(self, run, tmp_path):
        """--link-column and --link-type link rows to named parties."""
        sheet = tmp_path / "accounts.csv"
        sheet.write_text(
            "Name,Email,Account\nAnna Berg,anna@example.com,ACC-1\n",
            encoding="utf-8",
        )

        imported = run(
            "import",
            str(sheet),
            "--link-column",
            "Account",
            "--link-type",
            "Shareholder",
        )
        answer = run("default", "Shareholder", "ACC-1")

        assert imported.exit_code == 0
        assert "only linked contact" in answer.stdout
        assert "Anna Berg" in answer.stdout

    def test_unknown_party_type_rejected(self, run, tmp_path):
        """Import rejects a row whose party type is not registered."""
        sheet = tmp_path / "types.csv"
        sheet.write_text(
            "Name,Party Type,Party Name\nAnna,Patient,P1\nBob,Customer,C1\n",
            encoding="utf-8",
        )

        result = run("import", str(sheet), "--json")

        report = json.loads(result.stdout)["files"][0]
        assert report["stored"] == 1
        assert report["rejected"] == 1
        assert "unknown party type 'Patient'" in result.stdout

    def test_link_type_alone(self, run):
        """--link-type without --link-column is a usage error."""
        result = run("import", str(EXAMPLE), "--link-type", "Customer")

        assert result.exit_code == 2
        assert "give --link-column and --link-type together" in result.stderr

    def test_bad_mapping(self, run):
        """A --map value without '=' is a usage error."""
        result = run("import", str(EXAMPLE), "--map", "Roles")

        assert result.exit_code == 2
        assert "is not COLUMN=FIELD" in result.stderr

    def test_no_progress_when_piped(self, run):
        """Output that is not a terminal never shows a progress bar."""
        result = run("import", "--dry-run", str(EXAMPLE))

        assert "rows" in result.stdout
        assert result.stderr == ""


class TestImportProgress:
    def test_hidden_before_delay(self):
        """A quick import draws nothing."""
        stream = io.StringIO()

        console = Console(file=stream, force_terminal=True)

        with ImportProgress(
            "f.csv", enabled=True, delay=60.0, console=console
        ) as progress:
            progress.update(100)

        assert stream.getvalue() == ""

    def test_shown_after_delay(self):
        """A long import shows a bar with the rows read so far."""
        stream = io.StringIO()

        console = Console(file=stream, force_terminal=True)

        with ImportProgress(
            "f.csv", enabled=True, delay=0.0, console=console
        ) as progress:
            progress.update(1500)

        assert "1500 rows" in stream.getvalue()

    def test_disabled(self):
        """A disabled bar never draws."""
        stream = io.StringIO()

        console = Console(file=stream, force_terminal=True)

        with ImportProgress(
            "f.csv", enabled=False, delay=0.0, console=console
        ) as progress:
            progress.update(1500)

        assert stream.getvalue() == ""
