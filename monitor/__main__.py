from monitor.cli import main

if __name__ == "__main__":  # run, not imported (a multiprocessing child may import its parent's main module)
    main()
