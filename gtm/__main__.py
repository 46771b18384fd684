from gtm.cli import main

main()
