/* The pages' little behaviour, from a file (the CSP allows no inline script):
   - on a phone a table becomes stacked rows: each cell shows its column's heading before it
     (CSS reads data-label), filled on load and after each htmx swap;
   - an error a form came back with ([data-focus]) is scrolled to and focused, so it is read
     where the choice was made, not 2,000 px above. */
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
  document.addEventListener("DOMContentLoaded", function () { label(document); focusError(); });
  window.addEventListener("load", focusError);  // again once the page settled (fragment scroll)
  document.addEventListener("htmx:afterSwap", function (event) { label(event.target); });
})();
