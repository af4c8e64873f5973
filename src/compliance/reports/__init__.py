"""Official reports: the scorecard, findings and overdue tasks as HTML, PDF and XLSX.

* ``context``    reads everything a report shows (scorecards, findings, overdue tasks);
* ``render``     Jinja2 templates (autoescaped) → HTML, and WeasyPrint → PDF;
* ``charts``     SVG charts drawn from Jinja2 templates (no plotting library);
* ``xlsx``       one sheet per table (openpyxl);
* ``files``      atomic writes, the reports of a run, the latest reports of a folder;
* ``artifacts``  the scorecard as Prefect artifacts, for the compliance flow.
"""
