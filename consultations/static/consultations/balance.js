// The speakers' balance panel follows the tick boxes: each tick recounts the speakers' list by expertise,
// sector, country, sub-region and gender, and each roundtable's count of panelists. Without this script the
// "Check the balance" button shows the same counts from the server.
(function () {
  "use strict";
  var form = document.getElementById("slate");
  var panel = document.getElementById("balance-panel");
  if (!form || !panel) {
    return;
  }
  var dims = ["expertise", "constituency", "country", "subregion", "gender"];
  var status = panel.querySelector("[data-balance-status]");

  function recount() {
    var ticked = Array.prototype.slice.call(form.querySelectorAll('input[name="selected"]:checked'));
    var people = ticked.concat(Array.prototype.slice.call(form.querySelectorAll("[data-fixed]")));
    dims.forEach(function (dim) {
      var counts = {};
      people.forEach(function (el) {
        var value = el.getAttribute("data-" + dim) || "";
        counts[value] = (counts[value] || 0) + 1;
      });
      panel.querySelectorAll('td[data-dim="' + dim + '"]').forEach(function (cell) {
        var n = counts[cell.getAttribute("data-value")] || 0;
        var share = people.length ? Math.round((100 * n) / people.length) : 0;
        cell.textContent = n + " (" + share + " %)";
      });
    });
    form.querySelectorAll("[data-roundtable]").forEach(function (section) {
      var count = section.querySelectorAll('input[name="selected"][data-panel]:checked').length;
      var out = section.querySelector("[data-ticked-count]");
      if (out) {
        out.textContent = String(count);
      }
    });
    if (status) {
      status.textContent = (status.getAttribute("data-label") || "") + " " + people.length;
    }
  }

  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "selected") {
      recount();
    }
  });
})();
