"""What the PDF workers' fork server loads before it forks them: this package and WeasyPrint
(about a second), when this machine can load WeasyPrint. When it cannot (a system library is
missing), the fork server still starts, and each worker says so in French when it is asked for a
PDF (``weasy.PdfEngineMissing``): a fork server that failed to start showed a traceback instead.

Then every object loaded is moved out of the cycle collector's reach (``gc.freeze``): a worker's
collections do not walk them again, and do not write to the memory pages the workers share with
the fork server (copying them)."""

import gc

from infopsoc.outputs.pdf.weasy import PdfEngineMissing, weasyprint_module

try:
    weasyprint_module()
except PdfEngineMissing:
    pass
gc.collect()
gc.freeze()
