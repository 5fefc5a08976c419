"""The oversight dashboard: who is late, on what, and is it getting better.

Its modules, each importing only those listed before it:

- periods: a quarter, a half-year, a year, a run of years or two dates; those offered, and the default (every
  year that holds the person's work, so the first open counts what the home page counts);
- forms: the dashboard's filter form and the Selection it makes;
- links: the standings counted and the task-list links that open exactly the tasks behind a number;
- board: the three aggregates that build the board, and the definition of every figure (its docstring);
- cache: the board cached for a minute, and the key of the page's fragments drawn from it;
- charts: the charts' data; tables: the tables under the charts and the "see all" tables, as plain rows;
- page: the charts and tables of a board, drawn only when the page's cached fragment is missing;
- choice: the selection a request shows (asked for, else kept in the session from an earlier visit, else the
  default).

Their HTML is in templates/oversight/ (the tables' rows in partials/dashboard_table.html, the chart data through
json_script), never in Python.
"""
