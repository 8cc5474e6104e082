"""``flask`` commands: ``due`` (``due.py``), users, case imports and demo data (``admin.py``,
``demo.py``). The SSD commands live with the SSD adapter (ssd/cli.py), ``send-reminders`` with
push (push/commands.py).
"""
