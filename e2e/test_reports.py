"""A district writes and submits its weekly report; the city returns it, the district corrects it,
the city accepts it and it no longer changes; the completeness page shows who is late; the report
prints to a PDF."""
import base64
import os

from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions
from selenium.webdriver.support.ui import WebDriverWait

from conftest import SHOTS, shot
from test_walk import sign_in


def as_user(browser, server, username):
    browser.delete_all_cookies()
    sign_in(browser, server, username)


def test_a_weekly_report_goes_up_comes_back_and_is_accepted(server, browser):
    browser.set_window_size(1280, 900)
    as_user(browser, server, "shushan.admin")
    browser.get(server + "/reports")
    # This week's report: nobody has written it yet.
    first = browser.find_element(By.CSS_SELECTOR, "#own tbody tr a")
    period_label = first.text
    first.click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "report-form"))
    report_url = browser.current_url.split("?")[0]
    assert browser.find_element(By.ID, "report-status").text == "未填写"
    assert browser.find_element(By.CSS_SELECTOR, "#figure-enterprises td.num").text.strip() != ""
    # Submitting without the work done is refused, naming the field; the draft keeps what was typed.
    browser.find_element(By.ID, "difficulties").send_keys("部分小微企业负责人难以约见。")
    browser.find_element(By.ID, "save-draft").click()
    WebDriverWait(browser, 10).until(lambda d: "flash=saved" in d.current_url)
    assert browser.find_element(By.ID, "report-status").text == "草稿"
    assert "难以约见" in browser.find_element(By.ID, "difficulties").get_attribute("value")
    browser.find_element(By.ID, "work_done").send_keys("本周组织走访干部深入企业，逐户填写调查问卷。")
    browser.find_element(By.ID, "next_steps").send_keys("下周完成剩余企业的首轮走访。")
    shot(browser, "40-report-draft")
    browser.find_element(By.ID, "submit-report").click()
    WebDriverWait(browser, 10).until(lambda d: "flash=report_submitted" in d.current_url)
    assert browser.find_element(By.ID, "report-status").text == "已报送"
    assert not browser.find_elements(By.ID, "report-form"), "a submitted report is not edited"

    # The city finds it waiting and returns it with a reason.
    as_user(browser, server, "office")
    browser.get(server + "/reports")
    waiting = [a for a in browser.find_elements(By.CSS_SELECTOR, "#awaiting a") if a.get_attribute("href").startswith(report_url)]
    assert waiting, "蜀山区's report waits for the city"
    waiting[0].click()
    browser.find_element(By.ID, "decide-comment").send_keys("请补充困难职工帮扶情况")
    browser.find_element(By.ID, "return-report").click()
    WebDriverWait(browser, 10).until(lambda d: "flash=report_return" in d.current_url)
    assert browser.find_element(By.ID, "report-status").text == "已退回"

    # The district reads why, corrects it and submits again.
    as_user(browser, server, "shushan.admin")
    browser.get(report_url)
    assert "请补充困难职工帮扶情况" in browser.find_element(By.ID, "report-comment").text
    browser.find_element(By.ID, "experience").send_keys("对困难职工“一户一策”建档帮扶。")
    browser.find_element(By.ID, "submit-report").click()
    WebDriverWait(browser, 10).until(lambda d: "flash=report_submitted" in d.current_url)

    # The city accepts it: locked, its figures as submitted.
    as_user(browser, server, "office")
    browser.get(report_url)
    frozen = browser.find_element(By.ID, "figures").text
    browser.find_element(By.ID, "accept-report").click()
    WebDriverWait(browser, 10).until(lambda d: "flash=report_accept" in d.current_url)
    assert browser.find_element(By.ID, "report-status").text == "已审核通过"
    assert browser.find_element(By.ID, "figures").text == frozen
    assert [li.text.split(" · ")[-1] for li in browser.find_elements(By.CSS_SELECTOR, "#timeline li")] == [
        "报送", "退回修改：请补充困难职工帮扶情况", "修改后重新报送", "审核通过"]
    shot(browser, "41-report-accepted")
    as_user(browser, server, "shushan.admin")
    browser.get(report_url)
    assert not browser.find_elements(By.ID, "report-form") and "一户一策" in browser.find_element(By.ID, "narrative").text

    # The completeness page: who reported each week, on time or late, and who did not.
    as_user(browser, server, "office")
    browser.get(server + "/reports/completeness")
    assert browser.find_elements(By.CSS_SELECTOR, "#grid td.timely-missing"), "the demo has units that did not report"
    assert browser.find_elements(By.CSS_SELECTOR, "#grid td.timely-late")
    shot(browser, "42-report-completeness")
    browser.find_element(By.ID, "remind-late").click()
    WebDriverWait(browser, 10).until(lambda d: "flash=reports_" in d.current_url)

    # The printed copy, as chromium saves it to PDF.
    browser.get(report_url + "/print")
    assert period_label.split("（")[0] in browser.title
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7
    pdf = base64.b64decode(browser.print_page(options))
    assert pdf.startswith(b"%PDF")
    with open(os.path.join(SHOTS, "43-report.pdf"), "wb") as f:
        f.write(pdf)
    shot(browser, "43-report-print")
