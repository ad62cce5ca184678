"""A demo user signs in, walks the tree, switches language; roles see only what they may."""
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import shot

PASSWORD = "Sanbao-2026"


def sign_in(driver, base, username):
    driver.get(base + "/sign-in")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "sign-in-submit").click()
    WebDriverWait(driver, 10).until(lambda d: "/sign-in" not in d.current_url)


def open_section(browser, label):
    """Clicks a section in the menu, opening "more" when the section is not one of the role's own."""
    found = [a for a in browser.find_elements(By.CSS_SELECTOR, "nav.nav > a") if a.text == label]
    if not found:
        more = browser.find_element(By.ID, "nav-more")
        more.find_element(By.TAG_NAME, "summary").click()
        found = [a for a in more.find_elements(By.TAG_NAME, "a") if a.text == label]
    found[0].click()


def test_district_admin_walks_the_tree_and_switches_language(server, browser):
    browser.get(server + "/")
    assert "/sign-in" in browser.current_url
    shot(browser, "01-sign-in")
    sign_in(browser, server, "shushan.admin")
    assert "蜀山区总工会" in browser.page_source
    shot(browser, "02-home-district-admin")

    open_section(browser, "组织架构")
    assert browser.find_element(By.ID, "unit-name").text.startswith("蜀山区总工会")
    browser.find_element(By.LINK_TEXT, "三里庵街道工会").click()
    assert browser.find_element(By.ID, "unit-name").text.startswith("三里庵街道工会")
    rows = browser.find_elements(By.CSS_SELECTOR, "#children tbody tr")
    assert len(rows) >= 2
    shot(browser, "03-street-unit")
    rows[0].find_element(By.TAG_NAME, "a").click()
    assert "社区工会" in browser.find_element(By.ID, "unit-name").text
    browser.find_element(By.CSS_SELECTOR, ".crumbs a").click()
    assert browser.find_element(By.ID, "unit-name").text.startswith("蜀山区总工会")

    browser.find_element(By.ID, "lang-switch").click()
    assert "Org tree" in browser.page_source and "Units directly below" in browser.page_source
    shot(browser, "04-unit-english")
    open_section(browser, "People")
    assert "people" in browser.find_element(By.CSS_SELECTOR, "main p.muted").text
    shot(browser, "05-people-english")
    browser.find_element(By.ID, "lang-switch").click()
    assert "人员" in browser.page_source


def test_district_admin_cannot_see_another_district(server, browser):
    sign_in(browser, server, "shushan.admin")
    browser.get(server + "/units/340102")
    assert "找不到该记录" in browser.page_source
    shot(browser, "06-sibling-unit-refused")


def test_office_reveals_a_phone_and_reads_the_audit_log(server, browser):
    sign_in(browser, server, "office")
    browser.get(server + "/people/C00193")
    assert "****" in browser.find_element(By.ID, "phone").text
    browser.find_element(By.ID, "reveal-phone").click()
    WebDriverWait(browser, 10).until(lambda d: "/reveal-phone" in d.current_url)
    assert "****" not in browser.find_element(By.ID, "phone").text
    shot(browser, "07-phone-revealed")
    browser.get(server + "/audit?action=personal_data.")
    assert "personal_data.reveal" in browser.page_source
    shot(browser, "08-audit-log")


def test_each_role_signs_in_and_sees_its_own_unit(server, browser):
    for username, unit in [("C00193", "蜀山区总工会"), ("inspector", "合肥市总工会"),
                           ("assistance", "合肥市总工会"), ("jixie.viewer", "市机械冶金工会")]:
        browser.delete_all_cookies()
        sign_in(browser, server, username)
        assert any(unit in h.text for h in browser.find_elements(By.CSS_SELECTOR, "section.card h2")), username
        assert "审计日志" not in browser.page_source
    shot(browser, "09-viewer-home")


def test_phone_width_layout(server, browser):
    browser.set_window_size(390, 844)
    sign_in(browser, server, "shushan.admin")
    browser.get(server + "/units/340104")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 400, width
    shot(browser, "10-phone-width")


def test_import_page_reports_bad_rows(server, browser, tmp_path):
    messy = tmp_path / "units.csv"
    messy.write_bytes(("编码,名称,类型,上级编码\n"
                       "340104099,新建街道工会,street,340104\n"
                       "340104099,重复,street,340104\n"
                       "X1,坏类型,planet,340104\n"
                       "X2,孤儿,street,NOWHERE\n").encode("gb18030"))
    sign_in(browser, server, "office")
    browser.get(server + "/import/org-units")
    browser.find_element(By.ID, "file").send_keys(str(messy))
    browser.find_element(By.ID, "upload").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "import-result"))
    result = browser.find_element(By.ID, "import-result").text
    assert "新增 1" in result and "拒绝 3" in result and "GB18030" in result
    assert "编码重复" in result and "单位类型无法识别" in result and "上级单位不存在" in result
    shot(browser, "11-import-report")


def test_district_admin_finds_an_enterprise_and_its_covering_unions(server, browser):
    sign_in(browser, server, "shushan.admin")
    open_section(browser, "企业")
    count = browser.find_element(By.ID, "enterprise-count").text
    assert "家企业" in count and int("".join(ch for ch in count if ch.isdigit())) > 500
    browser.find_element(By.ID, "q").send_keys("机械")
    browser.find_element(By.ID, "filter").click()
    WebDriverWait(browser, 10).until(lambda d: "q=" in d.current_url)
    shot(browser, "12-enterprises-search")
    first = browser.find_element(By.CSS_SELECTOR, "#enterprises tbody tr a")
    name = first.text
    assert "机械" in name
    first.click()
    assert browser.find_element(By.ID, "enterprise-name").text == name
    covering = browser.find_element(By.ID, "covering").text
    assert "市机械冶金工会" in covering
    assert "****" in browser.find_element(By.ID, "contact").text
    shot(browser, "13-enterprise-detail")


def test_assistance_centre_reveals_a_hardship_workers_details(server, browser):
    sign_in(browser, server, "assistance")
    browser.get(server + "/workers?hardship=extreme_poverty")
    assert "名职工" in browser.find_element(By.ID, "worker-count").text
    shot(browser, "14-hardship-workers")
    browser.find_element(By.CSS_SELECTOR, "#workers tbody tr a").click()
    assert "**********" in browser.find_element(By.ID, "id-number").text
    browser.find_element(By.ID, "reveal-worker").click()
    WebDriverWait(browser, 10).until(lambda d: "/reveal" in d.current_url)
    assert "*" not in browser.find_element(By.ID, "id-number").text.split(" ")[0]
    shot(browser, "15-worker-revealed")


def test_office_decides_a_duplicate_pair(server, browser):
    sign_in(browser, server, "office")
    browser.get(server + "/enterprises")
    browser.find_element(By.ID, "duplicates-link").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "#duplicates tbody tr")
    assert len(rows) >= 10
    shot(browser, "16-duplicates")
    first_pair = rows[0].text
    rows[0].find_element(By.CSS_SELECTOR, "button.merge").click()
    WebDriverWait(browser, 10).until(lambda d: "flash=saved" in d.current_url)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#duplicates tbody tr")) == len(rows) - 1
    assert first_pair not in browser.find_element(By.ID, "duplicates").text


def test_office_assigns_locks_publishes_and_a_cadre_sees_the_tasks(server, browser):
    sign_in(browser, server, "office")
    open_section(browser, "走访分配")
    browser.find_element(By.ID, "solve").click()
    WebDriverWait(browser, 120).until(lambda d: "flash=solved" in d.current_url)
    stats = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "#totals b")]
    assert int(stats[0]) >= 9990 and stats[1] == "0"   # every active enterprise placed
    assert browser.find_elements(By.CSS_SELECTOR, "#map svg circle")
    assert "IND-SM 市商贸金融工会" in browser.find_element(By.ID, "conflicts").text
    shot(browser, "17-assignment-review")
    # Lock one enterprise of 蜀山区 to the demo cadre, mark another cadre away, solve again.
    # (The demo has visited a fifth of the enterprises; a visited one is refused, so try the next.)
    browser.get(server + "/enterprises?unit=340104")
    codes = [c.text.strip() for c in browser.find_elements(By.CSS_SELECTOR, "table.list tbody tr td code, table.list tbody tr td .code")]
    for code in codes:
        browser.get(server + "/assignment")
        form = browser.find_element(By.ID, "lock-form")
        form.find_element(By.NAME, "credit_code").send_keys(code)
        form.find_element(By.NAME, "staff_no").send_keys("C00193")
        form.find_element(By.CSS_SELECTOR, "button").click()
        WebDriverWait(browser, 60).until(lambda d: "flash=saved" in d.current_url or "已走访" in d.page_source)
        if "flash=saved" in browser.current_url:
            break
    browser.get(server + "/assignment")
    form = browser.find_element(By.ID, "exclude-form")
    form.find_element(By.NAME, "staff_no").send_keys("C00194")
    form.find_element(By.NAME, "reason").send_keys("外出学习")
    form.find_element(By.CSS_SELECTOR, "button").click()
    WebDriverWait(browser, 60).until(lambda d: "flash=saved" in d.current_url)
    browser.find_element(By.ID, "solve").click()
    WebDriverWait(browser, 120).until(lambda d: "flash=solved" in d.current_url)
    assert code in browser.find_element(By.ID, "decisions").text
    browser.find_element(By.ID, "publish").click()
    WebDriverWait(browser, 60).until(lambda d: "flash=published" in d.current_url)
    browser.get(server + "/assignment/explain?code=" + code)
    assert "C00193" in browser.find_element(By.ID, "explanation").text
    shot(browser, "18-assignment-explain")

    browser.delete_all_cookies()
    sign_in(browser, server, "C00193")
    tasks = browser.find_element(By.ID, "tasks").text
    assert "走访调研" in tasks
    shot(browser, "19-cadre-tasks")
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#tasks a")]
    assert any(code in href for href in links)


def tap(driver, scope, key, text):
    """Taps the choice labelled `text` of question `key`, as a thumb would."""
    question = scope.find_element(By.CSS_SELECTOR, f'.q[data-key="{key}"]')
    for label in question.find_elements(By.CSS_SELECTOR, "label.choice"):
        if label.text.strip() == text:
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", label)
            label.click()
            return
    raise AssertionError(f"no choice {text} in {key}")


def settled(driver):
    """A wait across a form post: the element read may belong to the page being replaced (stale,
    not yet there, or — chromium's own words mid-navigation — "Node with given id does not belong
    to the document"). The wait still fails after 10 s if the page never says what it should."""
    return WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,))


def photo_with_gps(tmp_path):
    """A tiny JPEG whose EXIF places it at 31°51'36"N 117°15'E."""
    import struct
    t = b"MM" + struct.pack(">HI", 42, 8) + struct.pack(">HHHII", 1, 0x8825, 4, 1, 26) + struct.pack(">I", 0)
    t += struct.pack(">H", 4) + struct.pack(">HHI", 1, 2, 2) + b"N\0\0\0" + struct.pack(">HHII", 2, 5, 3, 80)
    t += struct.pack(">HHI", 3, 2, 2) + b"E\0\0\0" + struct.pack(">HHII", 4, 5, 3, 104) + struct.pack(">I", 0)
    t += b"".join(struct.pack(">II", v, 1) for v in (31, 51, 36, 117, 15, 0))
    exif = b"Exif\0\0" + t
    data = b"\xff\xd8" + b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    data += b"\xff\xda" + struct.pack(">H", 8) + bytes([1, 1, 0, 0, 63, 0]) + b"\x12\x34\x56\xff\xd9"
    path = tmp_path / "workshop.jpg"
    path.write_bytes(data)
    return str(path)


def dashboard_figures(browser, server):
    """The office's dashboard tiles (what is done, by tile), read in a fresh sign-in."""
    browser.delete_all_cookies()
    sign_in(browser, server, "office")
    browser.get(server + "/dashboard")
    figures = {}
    for tile in browser.find_elements(By.CSS_SELECTOR, "#tiles .tile[id^=tile-]"):
        figures[tile.get_attribute("id")[5:]] = int(tile.find_element(By.CSS_SELECTOR, ".tile-figure").text.split("/")[0].strip().replace(",", ""))
    browser.delete_all_cookies()
    return figures


def test_cadre_records_a_visit_through_a_lost_network_and_the_admin_reviews_it(server, browser, tmp_path):
    # Runs after the office has published the tasks (the test above).
    browser.set_window_size(390, 844)
    browser.delete_all_cookies()
    # The phone allows its position: the review page shows where the visit was made.
    browser.execute_cdp_cmd("Browser.grantPermissions", {"origin": server, "permissions": ["geolocation"]})
    browser.execute_cdp_cmd("Emulation.setGeolocationOverride", {"latitude": 31.8206, "longitude": 117.2272, "accuracy": 25})
    # The office's dashboard before the visit: it moves when the visit comes in.
    before = dashboard_figures(browser, server)
    sign_in(browser, server, "C00193")
    browser.find_element(By.CSS_SELECTOR, "#tasks a.start-visit").click()
    WebDriverWait(browser, 10).until(lambda d: "/visits/new?task=" in d.current_url)
    enterprise = browser.find_element(By.TAG_NAME, "h1").text
    form = browser.find_elements(By.CSS_SELECTOR, ".questionnaire")[0]
    assert not form.find_element(By.CSS_SELECTOR, '.q[data-key="layoffs_count"]').is_displayed()
    for key, text in [("production", "基本正常"), ("orders", "减少"), ("financing_need", "否"), ("headcount_change", "减少"),
                      ("layoffs_planned", "是"), ("pay_cuts", "否"), ("wage_arrears", "否"), ("social_insurance_arrears", "否"),
                      ("restructuring", "否"), ("hiring_need", "否"), ("safety_issues", "否"), ("union_established", "是"),
                      ("collective_contract", "是"), ("congress_held", "是")]:
        tap(browser, form, key, text)
    form.find_element(By.CSS_SELECTOR, '.q[data-key="layoffs_count"] input').send_keys("12")   # shown once layoffs are planned
    browser.find_element(By.NAME, "people_met").send_keys("人事经理、两名职工")
    browser.find_element(By.ID, "add-worker").click()
    worker = browser.find_elements(By.CSS_SELECTOR, ".questionnaire")[1]
    # The worker met is not in the registry yet: entered here, registered with the visit.
    Select(worker.find_element(By.CSS_SELECTOR, ".worker-pick")).select_by_value("new")
    worker.find_element(By.CSS_SELECTOR, '[data-key="new_worker.name"] input').send_keys("赵建国")
    worker.find_element(By.CSS_SELECTOR, '[data-key="new_worker.id_number"] input').send_keys("340104199203041532")
    worker.find_element(By.CSS_SELECTOR, '[data-key="new_worker.job"] input').send_keys("装配工")
    browser.execute_script("arguments[0].scrollIntoView()", worker.find_element(By.CSS_SELECTOR, ".who"))
    shot(browser, "20-visit-new-worker")
    for key, text in [("wages_on_time", "否"), ("contract_signed", "是"), ("social_insurance", "是"), ("family_hardship", "困难农民工"),
                      ("union_member", "是")]:
        tap(browser, worker, key, text)
    browser.find_element(By.ID, "add-problem").click()
    problem = browser.find_element(By.CSS_SELECTOR, "#problems .problem")
    Select(problem.find_element(By.TAG_NAME, "select")).select_by_visible_text("裁员")
    problem.find_element(By.TAG_NAME, "textarea").send_keys("计划裁员12人，需协调再就业")
    # A photo of the workshop, taken before the network goes: it waits in the draft with the rest.
    browser.find_element(By.ID, "photo-input").send_keys(photo_with_gps(tmp_path))
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#draft-photos img"))
    shot(browser, "20-visit-form")

    # The network goes; the visit stays on the phone and goes out once when it is back.
    browser.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
    browser.find_element(By.ID, "submit-visit").click()
    WebDriverWait(browser, 10).until(lambda d: "网络不通" in d.find_element(By.ID, "draft-status").text)
    shot(browser, "21-visit-offline")
    browser.set_network_conditions(offline=False, latency=5, download_throughput=512 * 1024, upload_throughput=512 * 1024)
    try:
        WebDriverWait(browser, 10).until(lambda d: "/visits/new" not in d.current_url)
    except Exception:
        browser.find_element(By.ID, "submit-visit").click()   # the phone's own retry button
        WebDriverWait(browser, 10).until(lambda d: "/visits/new" not in d.current_url)
    assert "flash=visit_submitted" in browser.current_url
    visit_url = browser.current_url.split("?")[0]
    assert "待审核" in browser.find_element(By.TAG_NAME, "h1").text
    assert "职工调查问卷 1 · 赵建国" in browser.find_element(By.TAG_NAME, "main").text
    # The photo went up after the visit: its camera position is kept as evidence, its metadata not served.
    assert "31.86" in browser.find_element(By.ID, "photos").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#photos img")) == 1
    served = browser.find_element(By.CSS_SELECTOR, "#photos img").get_attribute("src")
    assert browser.execute_script("return fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => "
                                  "new TextDecoder('latin1').decode(b).indexOf('Exif'))", served) == -1
    browser.get(server + "/visits")
    assert browser.find_element(By.TAG_NAME, "main").text.count(enterprise) == 1, "sent once, stored once"
    after = dashboard_figures(browser, server)
    assert after["enterprises"] == before["enterprises"] + 1 and after["workers"] == before["workers"] + 1
    assert after["questionnaires"] == before["questionnaires"] + 2

    # The district admin returns it; the cadre corrects it; the admin accepts it.
    browser.delete_all_cookies()
    sign_in(browser, server, "shushan.admin")
    browser.get(visit_url)
    assert "现场定位 31.82060, 117.22720（精度约 25 米）" in browser.find_element(By.ID, "whereabouts").text
    assert "距企业登记位置" in browser.find_element(By.ID, "whereabouts").text
    browser.find_element(By.NAME, "comment").send_keys("请补充接待人员职务")
    browser.find_element(By.ID, "return-visit").click()
    WebDriverWait(browser, 10).until(lambda d: "flash=visit_returned" in d.current_url)
    browser.delete_all_cookies()
    sign_in(browser, server, "C00193")
    browser.get(visit_url)
    assert "请补充接待人员职务" in browser.find_element(By.TAG_NAME, "main").text
    browser.find_element(By.ID, "correct-visit").click()
    people = browser.find_element(By.NAME, "people_met")
    people.clear()
    people.send_keys("人事部王经理、两名一线职工")
    browser.find_element(By.ID, "submit-visit").click()
    WebDriverWait(browser, 10).until(lambda d: "/edit" not in d.current_url)
    browser.delete_all_cookies()
    sign_in(browser, server, "shushan.admin")
    browser.get(visit_url)
    browser.find_element(By.ID, "accept-visit").click()
    WebDriverWait(browser, 10).until(lambda d: "flash=visit_accepted" in d.current_url)
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "已通过" in page and "人事部王经理" in page
    assert [li.text.split(" ", 2)[2] for li in browser.find_elements(By.CSS_SELECTOR, ".timeline li")] == [
        "龙海静 · 提交", "龙海静 · 添加照片", "蜀山区总工会管理员 · 退回 — 请补充接待人员职务", "龙海静 · 重新提交", "蜀山区总工会管理员 · 审核通过"]
    shot(browser, "22-visit-accepted")


def test_a_problem_from_the_visit_goes_round_the_ledger(server, browser):
    # Runs after the visit above: its layoffs problem is 蜀山区's to hand out.
    browser.set_window_size(1280, 900)
    browser.delete_all_cookies()
    sign_in(browser, server, "shushan.admin")
    browser.get(server + "/problems?view=to_dispatch")
    browser.find_element(By.XPATH, "//tr[td[contains(., '计划裁员12人，需协调再就业')]]//a").click()
    problem_url = browser.current_url.split("?")[0]
    assert "办结时限" in browser.find_element(By.ID, "deadline").text
    Select(browser.find_element(By.ID, "dispatch-unit")).select_by_value("340104")
    browser.find_element(By.ID, "dispatch").click()
    settled(browser).until(lambda d: "flash=problem_updated" in d.current_url)
    browser.find_element(By.ID, "accept").click()
    settled(browser).until(lambda d: d.find_elements(By.ID, "refer"))
    # Two more working days, asked once, approved by the office above the district.
    first_deadline = browser.find_element(By.ID, "deadline").text.split(" ")[1]
    browser.find_element(By.NAME, "days").send_keys("2")
    browser.find_element(By.NAME, "reason").send_keys("需等待区人社局安排招聘会")
    browser.find_element(By.ID, "request-extension").click()
    settled(browser).until(lambda d: "待上级审批" in d.find_element(By.ID, "deadline").text)
    assert not browser.find_elements(By.ID, "approve-extension"), "not the district's own to approve"
    browser.delete_all_cookies()
    sign_in(browser, server, "office")
    browser.get(problem_url)
    browser.find_element(By.ID, "approve-extension").click()
    settled(browser).until(lambda d: "已批准（原时限 " + first_deadline in d.find_element(By.ID, "deadline").text)
    browser.delete_all_cookies()
    sign_in(browser, server, "shushan.admin")
    browser.get(problem_url)
    browser.find_element(By.NAME, "department").send_keys("区人社局就业服务中心")
    browser.find_element(By.ID, "refer").click()
    # The page after the referral (the page before it has a resolve form too).
    settled(browser).until(lambda d: "flash=" in d.current_url and d.find_elements(By.ID, "resolve"))
    browser.find_element(By.NAME, "summary").send_keys("已组织专场招聘会，12名职工全部安置")
    browser.find_element(By.ID, "resolve").click()
    settled(browser).until(lambda d: "已办结" in d.find_element(By.TAG_NAME, "h1").text)
    assert "首次办结" in browser.find_element(By.ID, "deadline").text and "按时" in browser.find_element(By.ID, "deadline").text
    # The callback: unsatisfied reopens it as rework, counted; done again, satisfied, it closes.
    browser.find_element(By.CSS_SELECTOR, 'input[value="unsatisfied"] + span').click()
    browser.find_element(By.NAME, "note").send_keys("两名职工尚未签订新合同")
    browser.find_element(By.ID, "call-back").click()
    settled(browser).until(lambda d: "返工 1 次" in d.find_element(By.ID, "deadline").text)
    browser.find_element(By.NAME, "summary").send_keys("新合同已签订")
    browser.find_element(By.ID, "resolve").click()
    settled(browser).until(lambda d: d.find_elements(By.ID, "call-back"))
    browser.find_element(By.CSS_SELECTOR, 'input[value="satisfied"] + span').click()
    browser.find_element(By.ID, "call-back").click()
    settled(browser).until(lambda d: "已回访关闭" in d.find_element(By.TAG_NAME, "h1").text)
    steps = [li.text for li in browser.find_elements(By.CSS_SELECTOR, ".timeline li")]
    assert [s.split(" · ")[1].split(" ")[0] for s in steps] == ["交办", "受理", "申请延期", "批准延期", "移交协调", "办结", "回访", "办结", "回访"], steps
    shot(browser, "25-problem-closed")
    browser.get(server + "/problems?view=all")
    assert "已回访关闭" in browser.find_element(By.TAG_NAME, "main").text
    shot(browser, "26-problems")


def test_a_unit_reports_a_problem_and_the_office_supervises_it(server, browser, tmp_path):
    browser.set_window_size(1280, 900)
    browser.delete_all_cookies()
    sign_in(browser, server, "shushan.admin")
    browser.get(server + "/enterprises")
    code = browser.find_element(By.CSS_SELECTOR, "table.list tbody tr td code").text
    # A worker came to the union's door: entered directly, not from a visit.
    browser.get(server + "/problems")
    browser.find_element(By.ID, "new-problem").click()
    browser.find_element(By.ID, "report-enterprise").send_keys(code)
    Select(browser.find_element(By.ID, "report-category")).select_by_value("wage_arrears")
    browser.find_element(By.ID, "report-description").send_keys("职工来访：拖欠三个月加班费")
    browser.find_element(By.ID, "report-problem").click()
    settled(browser).until(lambda d: "flash=problem_reported" in d.current_url)
    problem_url = browser.current_url.split("?")[0]
    # A photo of the pay sheet the worker brought, as evidence on the problem itself.
    browser.find_element(By.ID, "evidence-photo").send_keys(photo_with_gps(tmp_path))
    browser.find_element(By.ID, "add-evidence").click()
    settled(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#evidence img"))
    assert "31.86" in browser.find_element(By.ID, "evidence").text
    Select(browser.find_element(By.ID, "dispatch-unit")).select_by_value("340104")
    browser.find_element(By.ID, "dispatch").click()
    settled(browser).until(lambda d: d.find_elements(By.ID, "accept"))
    assert not browser.find_elements(By.ID, "supervise"), "a unit does not supervise itself"
    # The office, above the district, puts it under supervision.
    browser.delete_all_cookies()
    sign_in(browser, server, "office")
    browser.get(problem_url)
    browser.find_element(By.ID, "supervise").click()
    assert "欠薪" in browser.find_element(By.ID, "order-title").get_attribute("value")
    browser.find_element(By.ID, "order-instruction").send_keys("三个工作日内办结并书面报告")
    browser.find_element(By.ID, "issue-order").click()
    settled(browser).until(lambda d: "督办中" in d.find_element(By.ID, "order-status").text)
    order_url = browser.current_url.split("?")[0]
    assert "欠薪" in browser.find_element(By.ID, "order-problems").text
    # The district reports back; the office accepts the report and the order closes.
    browser.delete_all_cookies()
    sign_in(browser, server, "shushan.admin")
    browser.get(server + "/supervision?view=to_report")
    assert order_url.split("/")[-1] in browser.find_element(By.ID, "orders").get_attribute("innerHTML")
    browser.get(order_url)
    browser.find_element(By.ID, "report-note").send_keys("已约谈企业负责人，加班费本周内发放")
    browser.find_element(By.ID, "report-back").click()
    settled(browser).until(lambda d: "待审核" in d.find_element(By.ID, "order-status").text)
    browser.get(problem_url)
    assert "下达督办" in browser.find_element(By.CSS_SELECTOR, ".timeline").text
    browser.delete_all_cookies()
    sign_in(browser, server, "office")
    browser.get(order_url)
    browser.find_element(By.ID, "close-order").click()
    settled(browser).until(lambda d: "已办结" in d.find_element(By.ID, "order-status").text)
    shot(browser, "27-supervision-closed")
    # A special inspection from this week's hotspots covers every open problem of the cell.
    browser.get(server + "/problems/overview")
    shot(browser, "28-hotspots")
    links = browser.find_elements(By.CSS_SELECTOR, "a.hotspot-supervise")
    assert links, "the demo city has rising cells this week"
    links[0].click()
    assert browser.find_element(By.ID, "order-title").get_attribute("value").endswith("专项督查")
    browser.find_element(By.ID, "issue-order").click()
    settled(browser).until(lambda d: d.find_elements(By.ID, "order-problems"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#order-problems tbody tr")) >= 1
    shot(browser, "29-special-inspection")


def test_office_reads_the_dashboard_and_drills_into_a_units_overdue_problems(server, browser):
    browser.set_window_size(1280, 900)
    browser.delete_all_cookies()
    sign_in(browser, server, "office")
    browser.get(server + "/dashboard")
    assert browser.find_elements(By.CSS_SELECTOR, "#children svg.chart rect"), "the units below, as bars"
    assert browser.find_elements(By.CSS_SELECTOR, "#days svg.chart polyline"), "visits per day, as a line"
    rows = browser.find_elements(By.CSS_SELECTOR, "#children tbody tr")
    assert len(rows) > 5
    shot(browser, "30-dashboard")
    # The district furthest behind that has overdue problems: its figure opens exactly those.
    for row in rows:
        link = row.find_elements(By.CSS_SELECTOR, "td:last-child a")[0]
        if link.text != "0":
            count, name = link.text, row.find_elements(By.CSS_SELECTOR, "td a")[0].text
            link.click()
            break
    settled(browser).until(lambda d: d.find_elements(By.ID, "within"))
    assert name in browser.find_element(By.ID, "within").text
    assert browser.find_element(By.CSS_SELECTOR, "h1 .muted").text == count
    shot(browser, "31-drilled-overdue")


def test_office_edits_a_question_and_publishes_version_two(server, browser):
    browser.delete_all_cookies()
    sign_in(browser, server, "office")
    open_section(browser, "调查问卷")
    browser.find_element(By.LINK_TEXT, "职工调查问卷").click()
    assert "工资是否按时足额发放" in browser.find_element(By.CSS_SELECTOR, ".preview").text
    editor = browser.find_element(By.NAME, "definition")
    browser.execute_script("arguments[0].value = arguments[0].value.replace('工资是否按时足额发放', '工资是否按月足额发放');"
                           "arguments[0].dispatchEvent(new Event('input'))", editor)
    # A new question from the form, moved up one place; the preview follows, drawn by the server.
    browser.find_element(By.CSS_SELECTOR, "#add-question summary").click()
    browser.find_element(By.ID, "new-key").send_keys("night_shift")
    Select(browser.find_element(By.ID, "new-kind")).select_by_value("single")
    browser.find_element(By.ID, "new-title-zh").send_keys("是否上夜班")
    browser.find_element(By.ID, "new-title-en").send_keys("Works night shifts")
    browser.find_element(By.ID, "new-options").send_keys("never=从不\noften=经常")
    browser.find_element(By.ID, "add-question-button").click()
    WebDriverWait(browser, 10).until(lambda d: "是否上夜班" in d.find_element(By.ID, "preview").text)
    rows = browser.find_elements(By.CSS_SELECTOR, "#outline li")
    last = [r for r in rows if "night_shift" in r.text][0]
    before = [r.text for r in rows].index(last.text)
    last.find_elements(By.TAG_NAME, "button")[0].click()   # up
    WebDriverWait(browser, 10).until(lambda d: [r.text for r in d.find_elements(By.CSS_SELECTOR, "#outline li")].index(
        [r.text for r in d.find_elements(By.CSS_SELECTOR, "#outline li") if "night_shift" in r.text][0]) == before - 1)
    assert "工资是否按月足额发放" in browser.find_element(By.ID, "preview").text
    shot(browser, "23-questionnaire-edit")
    browser.find_element(By.ID, "publish").click()
    WebDriverWait(browser, 10).until(lambda d: "flash=questionnaire_published" in d.current_url)
    assert "v2" in browser.find_element(By.TAG_NAME, "h1").text
    assert "工资是否按月足额发放" in browser.find_element(By.CSS_SELECTOR, ".preview").text
    assert "是否上夜班" in browser.find_element(By.CSS_SELECTOR, ".preview").text
    browser.get(server + "/questionnaires/worker?version=1")
    assert "工资是否按时足额发放" in browser.find_element(By.CSS_SELECTOR, ".preview").text, "version 1 unchanged"
    assert "是否上夜班" not in browser.find_element(By.CSS_SELECTOR, ".preview").text
    # A broken definition is refused with the reason, and publishes nothing.
    browser.get(server + "/questionnaires/worker")
    editor = browser.find_element(By.NAME, "definition")
    browser.execute_script("arguments[0].value = arguments[0].value.replace('\"union_member\"', '\"wages_on_time\"')", editor)
    browser.find_element(By.ID, "publish").click()
    assert "wages_on_time" in browser.find_element(By.ID, "problems").text
    browser.get(server + "/questionnaires")
    assert "v2" in browser.find_element(By.TAG_NAME, "main").text
    shot(browser, "24-questionnaires")
