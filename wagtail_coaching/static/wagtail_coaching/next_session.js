/* The next-session card: its "Join the video room" button turns active when the room's
 * window opens, without a reload, and inactive again when it closes.
 *
 * The page carries the window and the server's clock (epoch milliseconds); the difference
 * between the server's clock and this one is kept, so a wrong clock on the device does not
 * move the opening. The room page still decides who may join when: this only spares a
 * reload. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-next-session-join]");
  // The card and the coach's agenda may both include this script: run it once.
  if (!buttons.length || window.coachingNextSessionStarted) {
    return;
  }
  window.coachingNextSessionStarted = true;
  var CHECK_EVERY_MS = 5000;

  function update(button, offset) {
    var now = Date.now() + offset;
    var opens = Number(button.dataset.opens);
    var closes = Number(button.dataset.closes);
    var card = button.closest(".coaching-next-session");
    var state = card && card.querySelector("[data-next-session-state]");
    var isOpen = now >= opens && now <= closes;
    if (isOpen && !button.hasAttribute("href")) {
      button.setAttribute("href", button.dataset.href);
      button.removeAttribute("aria-disabled");
      button.removeAttribute("role");
      if (state) {
        state.textContent = button.dataset.openText;
      }
    } else if (!isOpen && now > closes && button.hasAttribute("href")) {
      button.removeAttribute("href");
      button.setAttribute("aria-disabled", "true");
      button.setAttribute("role", "link");
      if (state) {
        state.textContent = button.dataset.closedText;
      }
    }
  }

  buttons.forEach(function (button) {
    var offset = Number(button.dataset.now) - Date.now();
    update(button, offset);
    window.setInterval(function () {
      update(button, offset);
    }, CHECK_EVERY_MS);
  });
})();
