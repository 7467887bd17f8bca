from postprep.tui.launch import main

main()
