from zielsteuerung.cli import run

run()
