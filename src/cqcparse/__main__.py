from cqcparse.cli.app import main

main()
