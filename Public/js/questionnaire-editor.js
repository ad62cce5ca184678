// The office's questionnaire editor. The JSON in the form is the one truth: the outline
// (reorder, remove) and the "add a question" form change it, and the preview beside it is
// drawn by the server from it, as a cadre's phone will show it. Publishing sends the JSON.
(function () {
  "use strict";
  var outline = document.getElementById("outline");
  var definition = document.querySelector('textarea[name="definition"]');
  if (!outline || !definition) return;
  var preview = document.getElementById("preview");
  var english = outline.dataset.english === "1";

  function read() {
    try { return JSON.parse(definition.value); } catch (e) { return null; }
  }
  function write(q) {
    definition.value = JSON.stringify(q, null, 2);
    draw();
    refreshPreview();
  }
  function title(t) { return (english ? t.en || t.zh : t.zh || t.en) || ""; }

  // --- The outline: sections and their questions, each movable -----------------------------
  function button(text, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "link";
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }
  // One step up or down; past the end of a section it goes on into the next.
  function move(q, s, i, step) {
    var questions = q.sections[s].questions;
    var question = questions[i];
    var target = i + step;
    if (target >= 0 && target < questions.length) {
      questions[i] = questions[target];
      questions[target] = question;
    } else if (q.sections[s + step]) {
      questions.splice(i, 1);
      var other = q.sections[s + step].questions;
      if (step < 0) other.push(question); else other.unshift(question);
    }
    write(q);
  }
  function draw() {
    var q = read();
    outline.textContent = "";
    if (!q || !Array.isArray(q.sections)) return;
    var sectionPick = document.getElementById("new-section");
    sectionPick.textContent = "";
    q.sections.forEach(function (section, s) {
      var option = document.createElement("option");
      option.value = String(s);
      option.textContent = title(section.title || {});
      sectionPick.appendChild(option);
      var h = document.createElement("h3");
      h.textContent = title(section.title || {});
      outline.appendChild(h);
      var list = document.createElement("ol");
      (section.questions || []).forEach(function (question, i) {
        var li = document.createElement("li");
        var label = document.createElement("span");
        label.textContent = title(question.title || {}) + (question.required ? " *" : "");
        var meta = document.createElement("code");
        meta.textContent = question.key + " · " + question.kind + (question.showIf ? " · if " + question.showIf.question : "");
        li.appendChild(label);
        li.appendChild(meta);
        li.appendChild(button("↑ " + outline.dataset.up, function () { move(q, s, i, -1); }));
        li.appendChild(button("↓ " + outline.dataset.down, function () { move(q, s, i, 1); }));
        li.appendChild(button(outline.dataset.remove, function () { section.questions.splice(i, 1); write(q); }));
        list.appendChild(li);
      });
      outline.appendChild(list);
    });
  }

  // --- Adding a question ---------------------------------------------------------------------
  document.getElementById("add-question-button").addEventListener("click", function () {
    var q = read();
    var error = document.getElementById("add-error");
    error.hidden = true;
    if (!q) { error.hidden = false; error.textContent = "JSON"; return; }
    var value = function (id) { return document.getElementById(id).value.trim(); };
    var question = { key: value("new-key"), kind: value("new-kind"), required: document.getElementById("new-required").checked,
                     title: { zh: value("new-title-zh"), en: value("new-title-en") || value("new-title-zh") }, options: [] };
    value("new-options").split("\n").forEach(function (line) {
      var parts = line.split("=");
      if (!parts[0].trim()) return;
      var label = (parts.slice(1).join("=") || parts[0]).trim();
      question.options.push({ key: parts[0].trim(), title: { zh: label, en: label } });
    });
    q.sections[Number(value("new-section")) || 0].questions.push(question);
    // Checked by the server, as publishing will be: a bad key or a choice without options is said here.
    check(q).then(function (problems) {
      if (problems) { error.hidden = false; error.textContent = problems; return; }
      write(q);
      ["new-key", "new-title-zh", "new-title-en", "new-options"].forEach(function (id) { document.getElementById(id).value = ""; });
    });
  });

  // --- The preview, drawn by the server --------------------------------------------------------
  function post(text) {
    var body = new URLSearchParams();
    body.set("definition", text);
    return fetch(outline.dataset.previewUrl, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRF-Token": outline.dataset.csrf }
    }).then(function (res) { return res.text().then(function (t) { return { ok: res.ok, text: t }; }); });
  }
  function check(q) { return post(JSON.stringify(q)).then(function (r) { return r.ok ? null : r.text; }); }
  var pending = null;
  function refreshPreview() {
    clearTimeout(pending);
    pending = setTimeout(function () {
      post(definition.value).then(function (r) {
        if (r.ok) preview.innerHTML = r.text;   // our own server's markup, escaped there
        else { preview.textContent = ""; var p = document.createElement("p"); p.className = "error"; p.textContent = r.text; preview.appendChild(p); }
      });
    }, 300);
  }
  definition.addEventListener("input", function () { draw(); refreshPreview(); });
  draw();
})();
