"""Issue 17, "Done when", as a staff member meets it: e-mail invitations for one activity's
participants, issued through the pages, arrive at a real SMTP server on loopback with a
working link; a reminder goes only to those who have not answered; a schedule creates the
next occasion's invitations on its date. The two last run the platform's beat tasks beside
the live server with the clock set to the day in question."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import time
import uuid
from email.message import EmailMessage

from playwright.sync_api import Page, expect

from tests.browser.conftest import ROOT, LivePlatform, live_env, login, screenshot
from tests.pilot.smtp import Mailbox

SLUG = "skelleftea-norsjo"
ACTIVITY = "Unga vuxna i arbete"
PHONE = {"width": 390, "height": 844}


def _arrived(mailbox: Mailbox, addresses: set[str], timeout: float = 30) -> dict[str, str]:
    """address -> body of the latest message to each address, once all have arrived."""
    deadline = time.monotonic() + timeout
    found: dict[str, str] = {}
    while time.monotonic() < deadline:
        found = {str(m["To"]): Mailbox.body(m) for m in _to(mailbox, addresses)}
        if set(found) == addresses:
            return found
        time.sleep(0.2)
    raise AssertionError(f"not delivered: {sorted(addresses - set(found))}")


def _to(mailbox: Mailbox, addresses: set[str]) -> list[EmailMessage]:
    return [m for m in list(mailbox.messages) if str(m["To"]) in addresses]


def _beat(platform: LivePlatform, mailbox: Mailbox, day: dt.date, code: str) -> str:
    """Run ``code`` in a Django shell on the live platform's database, with today = ``day``
    (the beat tasks read timezone.localdate()); tasks run inline."""
    script = (
        "from unittest import mock\n"
        "import datetime as dt\n"
        "from django_tenants.utils import tenant_context\n"
        "from tenants.models import Association\n"
        "from pilot.tasks import invitation_reminders_due, schedules_due\n"
        f"day = dt.date.fromisoformat('{day.isoformat()}')\n"
        f"alfa = Association.objects.get(slug='{SLUG}')\n"
        "with mock.patch('pilot.tasks.timezone.localdate', return_value=day):\n"
        + "\n".join(f"    {line}" for line in code.splitlines())
    )
    env = {**live_env(platform, mailbox), "NNS_TASKS_EAGER": "1"}
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]  # after the shell's own notice


def _step_two(page: Page, base: str) -> None:
    page.goto(f"{base}/collect/invitations/new/")
    page.get_by_label("1. Välj insats").select_option(label=ACTIVITY)
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_role("heading", name=f"2. Länkar för {ACTIVITY}")).to_be_visible()


def test_staff_email_invitations_reminder_and_schedule(new_page, live_platform, live_mailbox):
    base = live_platform.base_url(SLUG)
    tag = uuid.uuid4().hex[:6]
    page = new_page()
    login(page, base, f"{SLUG}-personal", live_platform.password)
    page.goto(f"{base}/collect/")
    actions = page.locator("#collect-actions")
    expect(actions.get_by_role("link", name="Mottagare av e-post")).to_be_visible()
    expect(actions.get_by_role("link", name="Registerdata per kommun")).to_have_count(0)

    # Three active participants of the activity, without an address yet.
    _step_two(page, base)
    choices = page.locator(".participant-choice", has_text="ingen e-post")
    codes = [choices.nth(i).locator("label").inner_text().split(" · ")[0] for i in range(3)]
    addresses = {code: f"{code.lower()}.{tag}@example.se" for code in codes}

    # Their addresses, on the recipients page.
    page.goto(f"{base}/collect/")
    actions.get_by_role("link", name="Mottagare av e-post").click()
    expect(page.locator("h1")).to_have_text("Mottagare av enkäter med e-post")
    lines = "\n".join(f"{code}; {address}" for code, address in addresses.items())
    page.get_by_label("Deltagarkod och e-postadress, en per rad").fill(lines)
    page.get_by_role("button", name="Spara adresser").click()
    expect(page.locator(".messages")).to_have_text("E-postadresserna är sparade (3 ändrade).")
    screenshot(page, "recipients-desktop")

    # Step two: search, choose the three, send by e-mail.
    _step_two(page, base)
    search = page.get_by_label("Sök deltagarkod")
    search.fill(codes[0].lower())
    expect(page.locator(".participant-choice:visible")).to_have_count(1)
    search.fill("")
    for code in codes:
        row = page.locator(".participant-choice", has_text=f"{code} · ")
        expect(row).to_contain_text("e-post finns")
        row.locator("input").check()
    expect(page.locator("#selected-count")).to_contain_text("3 markerade")
    page.get_by_label("Formulär *", exact=True).select_option(label="Deltagare – under insatsen")
    page.get_by_label("Mättillfälle *", exact=True).select_option(label="Under insatsen")
    page.get_by_label("Skicka e-post").check()
    screenshot(page, "invitation-email-desktop")
    page.get_by_role("button", name="Skapa länkar").click()
    expect(page.locator(".messages")).to_have_text("3 enkätlänkar skickas med e-post.")

    # The worker sends them off the request; they arrive at the SMTP server.
    wanted = set(addresses.values())
    delivered = _arrived(live_mailbox, wanted)
    link = re.compile(rf"http://{SLUG}\.localhost:{live_platform.port}/q/[\w-]+/")
    for body in delivered.values():
        assert link.search(body), body
        assert f"ber dig svara på en kort enkät om insatsen {ACTIVITY}." in body
    rows = page.locator("#emailed tbody tr")
    expect(rows).to_have_count(3)
    for _ in range(50):  # "sent" is recorded right after delivery
        page.reload()
        if page.locator("#emailed td", has_text="Skickad").count() == 3:
            break
        time.sleep(0.2)
    for code in codes:
        expect(page.locator("#emailed tr", has_text=code).locator("td").nth(2)).to_have_text(
            "Skickad"
        )
    screenshot(page, "invitation-batch-emailed-desktop")

    # The first participant opens the link on a phone: no login, association and activity
    # named, progress; saves, then answers everything and submits.
    first = addresses[codes[0]]
    url = link.search(delivered[first])
    assert url is not None
    phone = new_page(viewport=PHONE)
    phone.goto(url.group(0))
    expect(phone.locator("#questionnaire-for")).to_have_text(
        f"Från Samordningsförbundet Skellefteå–Norsjö, om insatsen {ACTIVITY}."
    )
    expect(phone.get_by_role("link", name="Logga in")).to_have_count(0)
    questions = phone.locator("fieldset.question")
    total = questions.count()
    expect(phone.locator("#progress-box label")).to_have_text(f"0 av {total} frågor besvarade")
    screenshot(phone, "questionnaire-390")
    questions.nth(0).locator("input[value='4']").check()
    expect(phone.locator("#progress-box label")).to_have_text(f"1 av {total} frågor besvarade")
    phone.get_by_role("button", name="Spara och fortsätt senare").click()
    expect(phone.locator("#saved-confirmation")).to_contain_text(
        "Du kan fortsätta senare med samma länk"
    )
    screenshot(phone, "questionnaire-saved-390")
    for i in range(total):
        questions.nth(i).locator("input[type=radio]").first.check()
    phone.get_by_role("button", name="Skicka in").click()
    expect(phone.locator("h1")).to_have_text("Tack för dina svar!")
    page.reload()
    expect(page.locator("#emailed tr", has_text=codes[0]).locator("td").nth(2)).to_have_text(
        "Besvarad"
    )

    # Seven days later the beat task reminds only the two who have not answered.
    before = len(_to(live_mailbox, wanted))
    in_a_week = dt.date.today() + dt.timedelta(days=7)
    _beat(live_platform, live_mailbox, in_a_week, "print(invitation_reminders_due())")
    reminded = _arrived(live_mailbox, {addresses[codes[1]], addresses[codes[2]]})
    ours = _to(live_mailbox, wanted)[before:]
    assert sorted(str(m["To"]) for m in ours) == sorted(reminded)
    assert all(str(m["Subject"]).strip().startswith("Påminnelse:") for m in ours), [
        str(m["Subject"]) for m in ours
    ]

    # A schedule every second month: nothing the day before, the next occasion's invitations
    # on its date (e-mail to those with an address), and not again that day.
    due = dt.date.today() + dt.timedelta(days=20)
    setup = (
        "from pilot.models import Activity\n"
        "from pilot.services import schedule_add\n"
        "with tenant_context(alfa):\n"
        "    schedule_add(activity=Activity.objects.get(name='" + ACTIVITY + "'),\n"
        "        form_code='participant_during', occasion='during', interval_months=2,\n"
        f"        next_on=dt.date.fromisoformat('{due.isoformat()}'), actor=None)\n"
        "print(schedules_due())"
    )
    before = len(_to(live_mailbox, wanted))
    assert _beat(live_platform, live_mailbox, due - dt.timedelta(days=1), setup) == "0"
    assert len(_to(live_mailbox, wanted)) == before
    issued = int(_beat(live_platform, live_mailbox, due, "print(schedules_due())"))
    assert issued >= 3
    on_date = _to(live_mailbox, wanted)[before:]
    assert sorted(str(m["To"]) for m in on_date) == sorted(wanted)
    subjects = [str(m["Subject"]).strip() for m in on_date]
    assert all(s.startswith("Enkät: Deltagare – under insatsen") for s in subjects), subjects
    assert _beat(live_platform, live_mailbox, due, "print(schedules_due())") == "0"
