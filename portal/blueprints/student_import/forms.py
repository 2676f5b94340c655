from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField

from portal.forms import BaseForm


class UploadForm(BaseForm):
    file = FileField(_l("The file with your students (Excel .xlsx or CSV)"))
