/* The video room on a phone: the video first, then the paper board and the documents as two
 * tabs (WAI-ARIA tabs: the arrow keys, Home and End move between them). On a wider screen
 * both panels are shown beside the video and the tabs are hidden. Without this script both
 * panels are simply stacked under the video.
 */
(function () {
  "use strict";
  var tablist = document.querySelector("[data-room-tabs]");
  if (!tablist || !window.matchMedia) { return; }
  var tabs = Array.prototype.slice.call(tablist.querySelectorAll("[role=tab]"));
  var panels = tabs.map(function (tab) {
    var panel = document.getElementById(tab.getAttribute("aria-controls"));
    panel.dataset.labelledby = panel.getAttribute("aria-labelledby") || "";
    return panel;
  });
  var phone = window.matchMedia("(max-width: 48rem)");
  var current = 0;

  function show(index, focus) {
    current = index;
    tabs.forEach(function (tab, i) {
      var active = i === index;
      tab.setAttribute("aria-selected", active ? "true" : "false");
      tab.tabIndex = active ? 0 : -1;
      panels[i].hidden = !active;
    });
    if (focus) { tabs[index].focus(); }
    // The board measures its canvas again now that it is shown.
    window.dispatchEvent(new Event("resize"));
  }

  function layout() {
    if (phone.matches) {
      tablist.hidden = false;
      panels.forEach(function (panel, i) {
        panel.setAttribute("role", "tabpanel");
        panel.setAttribute("aria-labelledby", tabs[i].id);
      });
      show(current, false);
    } else {
      tablist.hidden = true;
      panels.forEach(function (panel) {
        panel.removeAttribute("role");
        panel.setAttribute("aria-labelledby", panel.dataset.labelledby);
        panel.hidden = false;
      });
      window.dispatchEvent(new Event("resize"));
    }
  }

  tabs.forEach(function (tab, i) {
    tab.addEventListener("click", function () { show(i, false); });
    tab.addEventListener("keydown", function (event) {
      var last = tabs.length - 1;
      var next = { ArrowRight: i === last ? 0 : i + 1, ArrowLeft: i === 0 ? last : i - 1,
                   Home: 0, End: last }[event.key];
      if (next === undefined) { return; }
      event.preventDefault();
      show(next, true);
    });
  });
  if (phone.addEventListener) { phone.addEventListener("change", layout); }
  else { phone.addListener(layout); }
  layout();
})();
