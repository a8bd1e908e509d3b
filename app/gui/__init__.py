"""The window. The only package that imports Qt (PySide6: QtCore, QtGui, QtWidgets).

It drives `app.pipeline.run_collect` in a child process (`app.gui.worker`) and shows the engine's events; it holds no
collection or analysis logic of its own.
"""
