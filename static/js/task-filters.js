// The task list's filters (templates/tasks/task_list.html): when htmx sends the form, leave the empty fields out,
// so the address in the bar (hx-push-url) reads /tasks/?q=tuyen+giao rather than listing every unused filter.
document.addEventListener("htmx:configRequest", function (event) {
  var form = event.detail.elt;
  if (!form || !form.classList || !form.classList.contains("task-filters")) {
    return;
  }
  var parameters = event.detail.parameters;
  Object.keys(parameters).forEach(function (name) {
    var value = parameters[name];
    var values = Array.isArray(value) ? value : [value];
    if (values.every(function (item) { return item === "" || item === null || item === undefined; })) {
      delete parameters[name];
    }
  });
});
