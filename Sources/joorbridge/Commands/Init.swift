import ArgumentParser
import Foundation
import JoorBridge

/// `joorbridge init`: a commented starter config, the folder layout and the shipped mappings.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a commented starter joorbridge.yml, the folders and the shipped mappings.",
        discussion: """
            Creates DIR (default: the current folder) with joorbridge.yml, the folders inbox/, outbox/, \
            processing/, archive/, error/ and state/, and mappings/ with the shipped mappings to adapt. An \
            existing joorbridge.yml is kept unless --force is given; existing mappings are never \
            overwritten. Then: set JOOR_API_TOKEN, adapt a mapping, check it with `joorbridge check`, try it \
            with `joorbridge preview`, and run.

            Examples:
              joorbridge init
              joorbridge init /srv/joorbridge
              joorbridge init . --force          # rewrite joorbridge.yml (mappings are kept)

            \(ExitStatus.helpText)
            """)

    @Argument(help: ArgumentHelp("The folder to set up.", valueName: "dir"))
    var directory = "."

    @Flag(help: "Overwrite an existing joorbridge.yml.")
    var force = false

    func run() throws {
        let fm = FileManager.default
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        let configURL = root.appendingPathComponent("joorbridge.yml")
        if fm.fileExists(atPath: configURL.path) && !force {
            Console.error("error: \(configURL.path) exists; keep it, or rewrite it with --force")
            throw ExitStatus.usage.exitCode
        }
        for folder in ["inbox", "outbox", "processing", "archive", "error", "state", "mappings"] {
            try fm.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        var written: [String] = []
        for (name, text) in ShippedMappings.files {
            let target = root.appendingPathComponent("mappings/\(name)")
            if fm.fileExists(atPath: target.path) { continue }
            try text.write(to: target, atomically: true, encoding: .utf8)
            written.append(name)
        }
        try Self.starter.write(to: configURL, atomically: true, encoding: .utf8)
        Console.out(
            """
            Wrote \(configURL.path)
            Folders: inbox/ outbox/ processing/ archive/ error/ state/ in \(root.path)
            Mappings: \(written.isEmpty ? "kept the existing ones" : "\(written.count) in mappings/")

            Next:
              1. export JOOR_API_TOKEN=…            (or joor.token_file, mode 600)
              2. adapt mappings/orders-csv-lines.yml to your WMS's import layout
              3. joorbridge check --config \(configURL.path)
              4. joorbridge run orders --dry-run --config \(configURL.path)
              5. joorbridge run --config \(configURL.path)   (or: joorbridge watch; see deploy/)
            """)
    }

    static let starter = """
        # yaml-language-server: $schema=\(ConfigSchema.installedPath)
        # joorbridge.yml — written by `joorbridge init`. Every setting is explained here; relative
        # paths are relative to this file; ${NAME} is replaced by the environment variable NAME.
        # Check it with `joorbridge check`; see `joorbridge run --help` for what a run does.
        version: 1

        joor:
          # The API token comes from this environment variable (never write it into this file) ...
          token_env: JOOR_API_TOKEN
          # ... or from a file readable only by joorbridge's user (chmod 600). Use one of the two.
          # token_file: /etc/joorbridge/token
          # true: JOOR's own sandbox (start here); false: production.
          test_mode: true
          # base_url: http://127.0.0.1:8080   # another JOOR, e.g. `joorbridge sandbox`
          # credit_limit: 300                  # JOOR's API credits per window; joorbridge stays below
          # request_timeout_seconds: 60
          # connect_timeout_seconds: 10      # 3 failed attempts to connect: exit 69 (JOOR unreachable)
          # api: v2                            # products through v2 bulk-style jobs, or v4

        folders:
          inbox: ./inbox              # the WMS drops stock and product exports here
          outbox: ./outbox            # order files for the WMS to import
          processing: ./processing    # inbox files being pushed
          archive: ./archive          # inbox files JOOR accepted, by date
          error: ./error              # broken files, with NAME.error.txt and NAME.rejects.csv
          # inbox and outbox can also be folders on an SFTP server (see the sftp: section below):
          # inbox: sftp://joor@wms.example.com/exports
          # outbox: sftp://joor@wms.example.com:2222/imports

        # Only for sftp:// folders: key login, and the server's host key pinned.
        # sftp:
        #   key_file: /etc/joorbridge/id_ed25519
        #   passphrase_env: JOORBRIDGE_SFTP_PASSPHRASE   # if the key has a passphrase
        #   host_key_sha256: "SHA256:..."                # ssh-keyscan -p PORT HOST | ssh-keygen -lf -
        #   # known_hosts: /etc/joorbridge/known_hosts   # instead of the pin
        #   after_download: archive                      # or delete (after JOOR accepted the file)

        # The SQLite state store: which orders were delivered, what JOOR accepted. Back it up.
        state: ./state/joorbridge.sqlite

        orders:
          mapping: mappings/orders-csv-lines.yml       # one file per order, in the WMS's layout
          customers_mapping: mappings/customers-csv.yml   # bill-to/ship-to file per order (optional)
          order_status: approved      # approved, pending or all
          # go_live: 2026-01-01       # orders changed in JOOR before it are never asked for (see docs/cut-over.md)
          # Orders no filter lets through are held, not lost: `joorbridge orders list`.
          # A delivered order JOOR cancels gets one cancellation file; one cancelled before delivery, none:
          # deliver_cancellations: true
          # cancellations_mapping: mappings/orders-cancellation-csv.yml
          # Several warehouses from one install, first match wins (a route without when: takes the rest):
          # routes:
          #   - { name: eu, when: { field: order.warehouse_code, equals: EU }, outbox: ./outbox-eu }
          #   - { name: rest, outbox: ./outbox }
          # page_size: 100
          # done_marker: false        # also write NAME.done after each file, for WMSs that wait for one

        inventory:
          enabled: false              # turn on once mappings/inventory-csv.yml fits your stock export
          mapping: mappings/inventory-csv.yml
          include: ["stock_*.csv"]
          settle_seconds: 10          # a file must be unchanged this long (it may still be uploading)
          # done_marker: .done        # or wait for NAME.done next to each file
          # batch_size: 500
          # safety_stock: { Default: 2 }   # send 0 at or below this quantity
          # overwrite: true           # each file is the WHOLE stock: JOOR keeps exactly its SKUs (README)

        products:
          enabled: false              # turn on once mappings/products-csv.yml fits your product export
          mapping: mappings/products-csv.yml
          include: ["products_*.csv"]
          settle_seconds: 10

        # watch:                      # for `joorbridge watch`
        #   interval_seconds: 300     # orders
        #   poll_seconds: 5           # inbox

        # notify:                     # when a run fails or rejects something
        #   webhook: https://hooks.example.com/joorbridge     # receives the JSON run summary
        #   command: "mail -s 'joorbridge problem' ops@example.com"   # gets it on stdin
        #   when: problems            # or: always

        # log:
        #   format: text              # or json
        #   level: notice

        """
}
