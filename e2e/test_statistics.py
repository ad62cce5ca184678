"""The office cross-tabulates "planned layoffs" by industry and exports it to XLSX, which a
spreadsheet reader opens with its Chinese headers intact."""
import base64
import io

import openpyxl
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import shot
from test_walk import sign_in


def test_planned_layoffs_by_industry_exports_to_xlsx(server, browser):
    browser.set_window_size(1280, 900)
    browser.delete_all_cookies()
    sign_in(browser, server, "office")
    browser.get(server + "/statistics")
    assert "份问卷" in browser.find_element(By.ID, "responses").text
    assert browser.find_elements(By.CSS_SELECTOR, "#q-layoffs_planned .bar"), "each question's distribution"
    Select(browser.find_element(By.ID, "cross-question")).select_by_visible_text("是否计划裁员")
    Select(browser.find_element(By.ID, "cross-by")).select_by_visible_text("行业门类")
    browser.find_element(By.ID, "cross-apply").click()
    WebDriverWait(browser, 10).until(lambda d: "by=industry" in d.current_url)
    table = browser.find_element(By.ID, "crosstab-table")
    assert "C 制造业" in table.text and browser.find_elements(By.CSS_SELECTOR, "#crosstab svg rect")
    shot(browser, "50-statistics-crosstab")
    href = browser.find_element(By.ID, "crosstab-xlsx").get_attribute("href")
    encoded = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => {
          let s = ''; new Uint8Array(b).forEach(c => s += String.fromCharCode(c)); done(btoa(s)); });
        """, href)
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(encoded)))
    rows = [[c for c in row] for row in book.active.iter_rows(values_only=True)]
    assert rows[0][0] == "是否计划裁员"
    assert rows[1][:3] == ("行业门类", "是", "否") or list(rows[1][:3]) == ["行业门类", "是", "否"]
    manufacturing = next(r for r in rows if r[0] == "C 制造业")
    assert int(manufacturing[1]) + int(manufacturing[2]) == int(manufacturing[3])
    # Free-text answers, with the enterprise that gave them.
    browser.get(server + "/statistics/texts?q=enterprise&question=suggestions")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("意见和建议")
