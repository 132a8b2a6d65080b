// Copy buttons: <button data-copy="#element-id"> copies that element's text.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var source = document.querySelector(button.getAttribute("data-copy"));
  if (!source) return;
  var text = (source.value !== undefined ? source.value : source.textContent).trim();
  var done = function () {
    var label = button.textContent;
    button.textContent = "Copied";
    button.classList.add("copied");
    setTimeout(function () { button.textContent = label; button.classList.remove("copied"); }, 1600);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
  } else {
    fallbackCopy(text);
    done();
  }
});

// Plain-HTTP deployments have no Clipboard API; a hidden textarea and execCommand still work.
function fallbackCopy(text) {
  var area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  try { document.execCommand("copy"); } catch (error) { /* the text stays selectable */ }
  document.body.removeChild(area);
}
