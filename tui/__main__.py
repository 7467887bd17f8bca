from postprep.tui.cli import main

main()
