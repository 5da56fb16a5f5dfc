// Ereje pages: the only script. Everything works without it; with it, the "Add a row" and
// "Remove this row" buttons of the case form act in place instead of submitting the form.
// Rows are named by JSON pointer (f:/employee/sanctions/3/kind); the server reads rows by the
// indices it finds, so indices need not be contiguous and removing a row renumbers nothing.
(function () {
  "use strict";

  function nextIndex(container, pointer) {
    var max = -1;
    var prefix = "r:" + pointer + "/";
    container.querySelectorAll('input[type="hidden"]').forEach(function (input) {
      if (input.name.indexOf(prefix) === 0) {
        var rest = input.name.slice(prefix.length);
        if (/^\d+$/.test(rest)) { max = Math.max(max, parseInt(rest, 10)); }
      }
    });
    return max + 1;
  }

  function renumber(container) {
    var rows = container.querySelectorAll(":scope > .row-list > [data-row]");
    rows.forEach(function (row, k) {
      var n = row.querySelector(":scope > legend .row-n");
      if (n) { n.textContent = String(k + 1); }
    });
    var empty = container.querySelector(":scope > .empty-rows");
    if (empty) { empty.hidden = rows.length > 0; }
  }

  function replaceAll(node, placeholder, index) {
    ["name", "id", "for", "value", "aria-describedby", "href", "data-rows"].forEach(function (attr) {
      node.querySelectorAll("[" + attr + "]").forEach(function (el) {
        var v = el.getAttribute(attr);
        if (v && v.indexOf(placeholder) !== -1) { el.setAttribute(attr, v.split(placeholder).join(index)); }
      });
    });
    node.querySelectorAll(".ptr").forEach(function (el) {
      el.textContent = el.textContent.split(placeholder).join(index);
    });
    node.querySelectorAll("template").forEach(function (inner) {
      replaceAll(inner.content, placeholder, index);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.add-row, button.remove-row");
    if (!button) { return; }
    if (button.classList.contains("remove-row")) {
      var row = button.closest("[data-row]");
      var owner = row && row.closest("[data-rows]");
      if (!row || !owner) { return; }
      event.preventDefault();
      var list = row.parentNode;
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber(owner);
      var focusTarget = next ? next.querySelector("input, select, textarea, button") : owner.querySelector(":scope > .add-row");
      if (focusTarget) { focusTarget.focus(); }
      if (!list.children.length) { owner.querySelector(":scope > .add-row").focus(); }
      return;
    }
    var container = button.closest("[data-rows]");
    var template = container && container.querySelector(":scope > template");
    if (!container || !template) { return; }
    event.preventDefault();
    var pointer = container.getAttribute("data-rows");
    var placeholder = container.getAttribute("data-placeholder");
    var index = String(nextIndex(container, pointer));
    var fragment = template.content.cloneNode(true);
    replaceAll(fragment, placeholder, index);
    var listEl = container.querySelector(":scope > .row-list");
    listEl.appendChild(fragment);
    renumber(container);
    var added = listEl.lastElementChild;
    var first = added && added.querySelector("input:not([type=hidden]), select, textarea");
    if (first) { first.focus(); }
  });

  // After a decision, bring the outcome (or the list of problems) into view for keyboard and
  // screen-reader users.
  document.addEventListener("DOMContentLoaded", function () {
    var target = document.getElementById("errors") || document.getElementById("result");
    if (target && document.querySelector("form.case-form")) { target.focus(); }
  });
})();
