"""A counselor invites a couple; each partner joins on their own phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import COUNSELOR_SCREEN, PHONE, join, sign_in

pytestmark = pytest.mark.browser


def test_counselor_invites_a_couple_and_both_partners_join(
    seed, counselor_page: Page, partner1_page: Page, partner2_page: Page, live_server, screenshots
):
    counselor = seed.counselor("Dana Rivera")
    page = counselor_page
    sign_in(page, counselor)
    expect(page.get_by_role("heading", name="Your couples")).to_be_visible()

    page.get_by_role("link", name="New couple").click()
    expect(page.get_by_role("heading", name="New couple")).to_be_visible()
    page.get_by_label("Couple's name").fill("Robin & Casey")
    page.get_by_label("First partner (optional)").fill("Robin")
    page.get_by_label("Second partner (optional)").fill("Casey")
    page.get_by_label("Their time zone").select_option("Europe/Berlin")
    page.get_by_label("Their homework week starts on").select_option(label="Sunday")
    page.get_by_role("button", name="Create couple and links").click()

    expect(page).to_have_url(re.compile(r"/counselor/couples/\d+$"))
    expect(page.get_by_role("heading", name="Robin & Casey", level=1)).to_be_visible()
    expect(page.get_by_text("Robin & Casey is ready.")).to_be_visible()
    expect(page.locator(".meta").first).to_contain_text("Europe/Berlin")
    expect(page.locator(".meta").first).to_contain_text("weeks start on Sunday")
    links = {}
    for place, name in ((1, "Robin"), (2, "Casey")):
        card = page.locator(f"#place-{place}")
        expect(card.get_by_role("heading", name=name)).to_be_visible()
        expect(card.get_by_text("Not joined yet")).to_be_visible()
        link = card.locator(f"#link-{place}")
        expect(link).to_have_attribute("readonly", "")
        links[place] = link.input_value()
        assert links[place].startswith(f"{live_server.url}/join/")
        qr = card.get_by_role("img", name=f"QR code of {name}'s link")
        expect(qr).to_be_visible()
        assert qr.get_attribute("src").startswith("data:image/")
        assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "QR code did not load"
        expect(card.locator(".copy-button")).to_have_js_property("hidden", False)  # app.js ran
    assert links[1] != links[2]
    screenshots.take(page, "counselor-couple", docs="counselor-couple.png")
    # The Copy button puts the link on the clipboard, ready to paste into a message.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator("#place-2").get_by_role("button", name="Copy").click()
    expect(page.locator("#place-2").get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == links[2]

    # Partner 1, on their own phone.
    p1 = partner1_page
    p1.goto(links[1])
    expect(p1.get_by_role("heading", name="Welcome to Hearth")).to_be_visible()
    expect(p1.get_by_text("Dana Rivera invited you")).to_be_visible()
    screenshots.take(p1, "join-phone", docs="join-phone.png")
    join(p1, links[1], "Robin")
    expect(p1.get_by_role("heading", name="Hi Robin")).to_be_visible()
    expect(p1.get_by_role("heading", name="This week")).to_be_visible()
    expect(p1.get_by_text("Welcome, Robin. You're all set.")).to_be_visible()
    expect(p1.get_by_text("Your partner hasn't joined yet")).to_be_visible()
    screenshots.take(p1, "partner1-home-alone")

    # Partner 2, on theirs: they see who they are in this with.
    p2 = partner2_page
    join(p2, links[2], "Casey")
    expect(p2.get_by_role("heading", name="Hi Casey")).to_be_visible()
    expect(p2.get_by_role("heading", name="This week")).to_be_visible()
    expect(p2.locator(".greeting")).to_contain_text(
        "You and Robin (partner) are working with Dana Rivera"
    )
    screenshots.take(p2, "partner-home", docs="partner-home.png")

    # Partner 1 now sees partner 2 too.
    p1.reload()
    expect(p1.locator(".greeting")).to_contain_text(
        "You and Casey (partner) are working with Dana Rivera"
    )

    # The counselor's dashboard shows both as joined.
    page.get_by_role("link", name="Couples", exact=True).click()
    expect(page.get_by_role("heading", name="Your couples")).to_be_visible()
    row = page.locator(".couple-row").filter(has_text="Robin & Casey")
    for name in ("Robin", "Casey"):
        partner = row.locator(".partners-line li").filter(has_text=name)
        expect(partner.locator(".state")).to_have_text("joined")
    screenshots.take(page, "dashboard", docs="dashboard.png")

    # On the couple page the invitation links are gone once used.
    row.get_by_role("link", name="Robin & Casey").click()
    for place in (1, 2):
        expect(page.locator(f"#place-{place} .state")).to_contain_text("Joined")
        expect(page.locator(f"#link-{place}")).to_have_count(0)
        # What is left is the button for a forgotten password.
        card = page.locator(f"#place-{place}")
        expect(card.get_by_role("button", name="New sign-in link")).to_be_visible()


def test_new_invitation_link_swaps_the_card_in_place(
    seed, counselor_page: Page, partner1_page: Page, screenshots, browser_log
):
    browser_log.expect_status(410)  # the old link, on purpose
    counselor = seed.counselor()
    couple = seed.couple(counselor, ("Robin", "Casey"))
    page = counselor_page
    sign_in(page, counselor)
    page.goto(f"/counselor/couples/{couple.id}")
    old_link = page.locator("#link-1").input_value()
    assert old_link == couple.links[1]
    other_link = page.locator("#link-2").input_value()

    # Anything that reloads the page would wipe this marker, and log a document request.
    page.evaluate("window.__hearthNoReload = 'still here'")
    documents = []
    page.on("request", lambda r: r.resource_type == "document" and documents.append(r.url))
    navigations = []
    page.on("framenavigated", lambda f: f == page.main_frame and navigations.append(f.url))

    card = page.locator("#place-1")
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/partners/1/link")
    ) as response_info:
        card.get_by_role("button", name="New invitation link").click()
    response = response_info.value
    request = response.request

    assert request.headers.get("hx-request") == "true"
    assert request.headers.get("hx-target") == "place-1"
    assert request.resource_type in {"xhr", "fetch"}
    assert response.status == 200
    assert "HX-Request" in response.headers.get("vary", "")
    fragment = response.text()
    assert re.match(r'\s*<section\b[^>]*\bid="place-1"', fragment), "not the card alone"
    assert "<html" not in fragment and "<body" not in fragment and "topbar" not in fragment

    expect(
        card.get_by_text("New invitation link for Robin. The old one no longer works.")
    ).to_be_visible()
    new_link = page.locator("#link-1").input_value()
    assert new_link != old_link
    assert page.locator("#link-2").input_value() == other_link
    expect(page.locator("#place-1")).to_have_count(1)  # replaced, not nested
    expect(page.locator(".places > section")).to_have_count(2)
    assert page.evaluate("window.__hearthNoReload") == "still here"
    assert documents == [] and navigations == [], "the page was reloaded or navigated"
    # The button is usable again once the swap has settled.
    expect(
        page.locator("#place-1").get_by_role("button", name="New invitation link")
    ).to_be_enabled()
    screenshots.take(page, "counselor-couple-new-link")

    # The old link now explains itself on the partner's phone; the new one works.
    p1 = partner1_page
    answer = p1.goto(old_link)
    assert answer.status == 410
    expect(p1.get_by_role("heading", name="There's a newer link for you")).to_be_visible()
    screenshots.take(p1, "link-replaced-phone")
    p1.goto(new_link)
    expect(p1.get_by_role("heading", name="Welcome to Hearth")).to_be_visible()


def test_new_invitation_link_without_javascript(seed, new_page, browser_log):
    browser_log.expect_status(410)  # the old link, on purpose
    counselor = seed.counselor()
    couple = seed.couple(counselor, ("Robin", "Casey"))
    page = new_page(COUNSELOR_SCREEN, java_script_enabled=False)
    sign_in(page, counselor)
    page.goto(f"/counselor/couples/{couple.id}")
    assert page.locator("#link-1").input_value() == couple.links[1]

    with page.expect_navigation():
        page.locator("#place-1").get_by_role("button", name="New invitation link").click()

    assert page.url.endswith(f"/counselor/couples/{couple.id}#place-1")
    expect(
        page.get_by_text("New invitation link for Robin. The old one no longer works.")
    ).to_be_visible()
    assert page.locator("#link-1").input_value() != couple.links[1]
    assert page.locator("#link-2").input_value() == couple.links[2]

    phone = new_page(PHONE, java_script_enabled=False)
    assert phone.goto(couple.links[1]).status == 410
    expect(phone.get_by_role("heading", name="There's a newer link for you")).to_be_visible()


def test_copy_button_stays_hidden_without_javascript(seed, new_page):
    counselor = seed.counselor()
    couple = seed.couple(counselor)
    page = new_page(COUNSELOR_SCREEN, java_script_enabled=False)
    sign_in(page, counselor)
    page.goto(f"/counselor/couples/{couple.id}")
    copy_buttons = page.locator(".copy-button")
    expect(copy_buttons).to_have_count(2)
    for button in copy_buttons.all():
        assert not button.is_visible(), "without a script there is nothing to copy with"
