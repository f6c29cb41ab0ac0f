from cqcparse.cli.app import app

app(prog_name="cqcparse")
