/* Starts what Wagtail's admin would start with inline scripts, which the admin's
   Content-Security-Policy does not run: each <script type="application/json"
   data-coaching-admin-init> names a call ({"new": "PageChooser", "args": [...]} or
   {"call": "initDateChooser", "args": [...]}), made once, in document order, when the element
   is in the page: at load, and later in chooser modals and inline panels' new forms.
   Only the calls listed here are made (wagtail_coaching/spaces/admin_scripts.py writes them). */
(function () {
  "use strict";
  var CONSTRUCTORS = ["Chooser", "PageChooser", "ImageChooser", "DocumentChooser",
    "SnippetChooser", "InlinePanel", "MultipleChooserPanel"];
  var FUNCTIONS = ["createTaskChooser", "initDateChooser", "initTimeChooser",
    "initDateTimeChooser"];
  var SELECTOR = "script[type='application/json'][data-coaching-admin-init]";

  function start(element) {
    if (element.dataset.coachingAdminStarted) return;
    element.dataset.coachingAdminStarted = "1";
    var data = JSON.parse(element.textContent);
    var args = data.args || [];
    if (CONSTRUCTORS.indexOf(data.new) !== -1 && typeof window[data.new] === "function") {
      Reflect.construct(window[data.new], args);
    } else if (FUNCTIONS.indexOf(data.call) !== -1 && typeof window[data.call] === "function") {
      window[data.call].apply(window, args);
    } else {
      console.error("wagtail_coaching: no admin call for", element.textContent);
    }
  }

  function startWithin(root) {
    if (root.matches && root.matches(SELECTOR)) start(root);
    if (root.querySelectorAll) root.querySelectorAll(SELECTOR).forEach(start);
  }

  startWithin(document);
  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      mutation.addedNodes.forEach(startWithin);
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
