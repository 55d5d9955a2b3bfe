"""Why an operating-system call failed, in words a clerk reads: ``No space left on device`` is 磁盘已满.

The system's own text (``e.strerror``) is English on most computers (and on a Chinese Windows, in the
console's code page); the common causes of a failed write or read are said here in Chinese, with the
system's text kept in brackets for whoever fixes it. ``why(e, "en")`` is the system's text alone.
"""

from __future__ import annotations

import errno

_ZH = {
    errno.ENOSPC: "磁盘已满，没有剩余空间",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "磁盘或共享文件夹是只读的",
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EBUSY: "文件正被其他程序占用",
    errno.ELOOP: "符号链接循环",
    errno.EIO: "磁盘读写出错",
}
if hasattr(errno, "EDQUOT"):
    _ZH[errno.EDQUOT] = "超出了磁盘配额"


def why(e: BaseException, lang: str = "zh") -> str:
    """The reason ``e`` (an OSError, or anything) gives, in ``lang``."""
    text = getattr(e, "strerror", None) or str(e) or type(e).__name__
    if lang == "en":
        return text
    zh = _ZH.get(getattr(e, "errno", None))
    return f"{zh}（{text}）" if zh else text
