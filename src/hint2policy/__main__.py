from hint2policy.cli import main

main()
