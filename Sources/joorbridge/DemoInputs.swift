/// What `joorbridge demo` drops into its inbox: a stock export and a product export as a WMS
/// would write them, in the layouts of `mappings/inventory-csv.yml` and `mappings/products-csv.yml`
/// (plain ASCII, so the stock file reads the same as the Windows-1252 its mapping declares).
enum DemoInputs {
    static let stock = """
        Artikel;EAN;Farbe;Groesse;Lager;Bestand;Reserviert;Zulauf;Status\r
        FS-1001;000000000017;110;S;HH;42;2;;A\r
        FS-1001;000000000024;110;M;HH;18;0;;A\r
        FS-1001;000000000062;110;L;HH;7;1;;A\r
        TB-2002;000000000031;001;OS;MUC;10;3;;A\r
        TB-2002;000000000048;100;OS;MUC;5;1;15.09.2025;A\r
        FS-1005;000000000079;300;XL;HH;12;0;;A\r

        """

    static let products = """
        StyleNo,StyleName,Description,ColorCode,ColorName,Size,UPC,WholesaleUSD,RetailUSD,WholesaleEUR,RetailEUR,Season,Year,Category
        RJ-5005,Rain Jacket,Waxed cotton rain jacket.,700,Red,M,000000005005,80.00,180.00,75.00,170.00,Fall,2025,228
        RJ-5005,Rain Jacket,Waxed cotton rain jacket.,700,Red,L,000000005012,80.00,180.00,75.00,170.00,Fall,2025,228
        TB-2003,Market Basket,Woven market basket.,001,Black,OS,000000005029,28.00,60.00,26.00,58.00,Fall,2025,310
        RJ-5005,Rain Jacket,Waxed cotton rain jacket.,800,Blue,M,000000005036,80.00,180.00,75.00,170.00,Fall,2025,228
        RJ-5005,Rain Jacket,Waxed cotton rain jacket.,800,Blue,L,000000005043,80.00,180.00,75.00,170.00,Fall,2025,228

        """
}
