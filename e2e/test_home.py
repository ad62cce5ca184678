"""Each role's home page starts with that role's own work, under a menu of its own sections."""
from selenium.webdriver.common.by import By

from conftest import shot
from test_walk import sign_in


def test_a_cadre_on_a_phone_sees_the_tasks_first_under_a_compact_menu(server, browser):
    browser.set_window_size(390, 844)
    sign_in(browser, server, "C00193")
    browser.get(server + "/")
    main = browser.find_elements(By.CSS_SELECTOR, "nav.nav > a")
    assert len(main) <= 5, [a.text for a in main]
    tasks = browser.find_element(By.ID, "tasks")
    assert tasks.location["y"] < browser.execute_script("return window.innerHeight"), "the tasks start on the first screen"
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 400
    shot(browser, "20-cadre-home-phone")
    more = browser.find_element(By.ID, "nav-more")
    more.find_element(By.TAG_NAME, "summary").click()
    links = [a.get_attribute("href") for a in more.find_elements(By.TAG_NAME, "a") if a.is_displayed()]
    assert any(h.endswith("/campaign") for h in links), links
    shot(browser, "21-cadre-more-menu")


def test_each_role_home_starts_with_its_work(server, browser):
    browser.set_window_size(1280, 900)
    expected = {"shushan.admin": "work-visits_to_review", "office": "work-problems_overdue",
                "inspector": "work-problems_overdue", "assistance": "work-hardship_migrant"}
    for username, first in expected.items():
        browser.delete_all_cookies()
        sign_in(browser, server, username)
        browser.get(server + "/")
        sections = [s.get_attribute("id") for s in browser.find_elements(By.CSS_SELECTOR, "main section")]
        assert sections[0] == "role-work", (username, sections)
        assert browser.find_elements(By.ID, first), (username, first)
        shot(browser, f"22-home-{username.replace('.', '-')}")
