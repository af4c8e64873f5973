/* The pages' little behaviour, from a file (the CSP allows no inline script):
   - on a phone a table becomes stacked rows: each cell shows its column's heading before it
     (CSS reads data-label), filled on load and after each htmx swap;
   - an error a form came back with ([data-focus]) is scrolled to and focused, so it is read
     where the choice was made, not 2,000 px above;
   - the task board's phone default and its bulk form (below);
   - a type-ahead's names ([data-choices]) asked for when the field is first used, not sent in
     every page (a busy province has a thousand). */
(function () {
  function label(root) {
    root.querySelectorAll("table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      if (!heads.length) { return; }
      table.classList.add("stack");
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (heads[i] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", heads[i]); }
        });
      });
    });
  }
  function focusError() {
    var error = document.querySelector("[data-focus]");
    if (error) { error.scrollIntoView({block: "center"}); error.focus({preventScroll: true}); }
  }
  // The task board: the table by default on a phone (the view stays in the address).
  function phoneView() {
    var board = document.querySelector("#task-board[data-view-default][data-view=board]");
    if (board && window.matchMedia("(max-width: 640px)").matches) {
      var url = new URL(window.location.href);
      url.searchParams.set("view", "table");
      window.location.replace(url.toString());
    }
  }
  // Bulk changes: the count selected, only the statuses every selected task can move to
  // (each option lists the statuses it may follow), and a confirmation naming the count,
  // which the form sends back (the server changes nothing unconfirmed).
  function bulk() {
    var form = document.getElementById("bulk");
    if (!form || !form.elements.confirmed) { return; }
    var boxes = function () { return form.querySelectorAll("input[name=ids]"); };
    var chosen = function () { return form.querySelectorAll("input[name=ids]:checked"); };
    function refresh() {
      var picked = Array.prototype.map.call(chosen(), function (b) { return b.dataset.status; });
      form.querySelector("[data-testid=selected-count]").textContent = "(" + picked.length + " việc)";
      Array.prototype.forEach.call(form.elements.status.options, function (option) {
        if (!option.dataset.from) { return; }
        var from = option.dataset.from.split(" ");
        option.disabled = !picked.every(function (s) { return from.indexOf(s) >= 0; });
        if (option.disabled && option.selected) { form.elements.status.value = ""; }
      });
    }
    form.addEventListener("change", function (event) {
      if (event.target.hasAttribute("data-select-all")) {
        boxes().forEach(function (b) { b.checked = event.target.checked; });
      }
      refresh();
    });
    form.addEventListener("submit", function (event) {
      var count = chosen().length;
      if (count && !window.confirm("Áp dụng thay đổi cho " + count + " việc đã chọn?")) {
        event.preventDefault();
        return;
      }
      form.elements.confirmed.value = String(count);
    });
    refresh();
  }
  function choices() {
    document.querySelectorAll("datalist[data-choices]").forEach(function (list) {
      var input = document.querySelector("input[list='" + list.id + "']");
      if (!input) { return; }
      var load = function () {
        input.removeEventListener("focus", load);
        input.removeEventListener("input", load);
        fetch(list.dataset.choices, {credentials: "same-origin"})
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (items) {
            items.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* the filter still takes a typed name */ });
      };
      input.addEventListener("focus", load);
      input.addEventListener("input", load);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { phoneView(); label(document); focusError(); bulk(); choices(); });
  window.addEventListener("load", focusError);  // again once the page settled (fragment scroll)
  document.addEventListener("htmx:afterSwap", function (event) { label(event.target); });
})();
