// Adds a meeting's time in the browser's time zone under the time stated in the meeting's zone
// (portal/_meeting_time.html), when the reader has chosen no zone in their profile and the two differ.
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  var lang = document.documentElement.lang || undefined;
  document.querySelectorAll("[data-local-time]").forEach(function (el) {
    if (!zone || zone === el.dataset.zone) return;
    var start = new Date(el.dataset.start);
    if (isNaN(start)) return;
    var day = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: zone });
    // Hours on a 24-hour clock, as the pages state the meeting's own (dateStyle/timeStyle cannot name the zone).
    var clock = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone };
    var hour = new Intl.DateTimeFormat(lang, clock);
    var withZone = new Intl.DateTimeFormat(lang, Object.assign({ timeZoneName: "short" }, clock));
    var text = day.format(start) + ", ";
    if (el.dataset.end) {
      var end = new Date(el.dataset.end);
      var sameDay = day.format(end) === day.format(start);
      text += hour.format(start) + " – " + (sameDay ? withZone.format(end) : day.format(end) + ", " + withZone.format(end));
    } else {
      text += withZone.format(start);
    }
    el.textContent = el.dataset.label + " " + text + " (" + zone + ")";
    el.hidden = false;
  });
})();
