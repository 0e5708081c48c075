// After a passkey is registered on the set-up page, go on to the recovery codes.
document.addEventListener("otp_webauthn.register_complete", () => {
  const section = document.querySelector("[data-done-url]");
  if (section) window.location.assign(section.dataset.doneUrl);
});
