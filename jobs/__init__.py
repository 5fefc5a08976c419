"""Long work off the request path: an export or a report too big to write while the person waits runs as a Celery
task, whose progress the person watches (or leaves), and whose file waits for them in "Tệp đã xuất" and in the bell
until it expires.

The app knows nothing of what it writes: the apps that write documents register a runner per kind
(jobs.registry), and this app starts, runs, keeps, hands out and cleans up. It sits just above core, so the apps
above (oversight, notifications) may use it.
"""
